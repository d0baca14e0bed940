import CustomerExport
import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Wraps a transport and runs `action` once, just before a chosen request goes out (the one
/// numbered `trigger`, 1-based, or the first whose URL matches): the test's way to make the data
/// change between two page requests, exactly there.
final class InterceptingTransport: HTTPTransport {
    private let inner: any HTTPTransport
    private let fires: @Sendable (_ number: Int, _ url: String) -> Bool
    private let action: @Sendable () -> Void
    private let state = Mutex((count: 0, fired: false))

    init(_ inner: any HTTPTransport, before trigger: Int, _ action: @escaping @Sendable () -> Void) {
        self.inner = inner
        self.fires = { number, _ in number == trigger }
        self.action = action
    }

    init(_ inner: any HTTPTransport, beforeFirst matching: @escaping @Sendable (String) -> Bool, _ action: @escaping @Sendable () -> Void) {
        self.inner = inner
        self.fires = { _, url in matching(url) }
        self.action = action
    }

    func get(url: String, headers: [(name: String, value: String)], timeout: TimeSpan) throws(TransportError) -> HTTPResult {
        let fire = state.withLock { state in
            state.count += 1
            guard !state.fired, fires(state.count, url) else { return false }
            state.fired = true
            return true
        }
        if fire { action() }
        return try inner.get(url: url, headers: headers, timeout: timeout)
    }

    func shutdown() { inner.shutdown() }
}

/// A blocking POST to the simulator's admin API, usable from any thread.
func postAdmin(_ url: String) {
    var request = URLRequest(url: URL(string: url)!)
    request.httpMethod = "POST"
    let done = DispatchSemaphore(value: 0)
    URLSession.shared.dataTask(with: request) { _, _, _ in done.signal() }.resume()
    done.wait()
}
