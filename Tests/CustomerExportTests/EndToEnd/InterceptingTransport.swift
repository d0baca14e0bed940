import CustomerExport
import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Wraps a transport and runs `action` just before the request numbered `trigger` (1-based)
/// goes out: the test's way to make the data change between two page requests, exactly there.
final class InterceptingTransport: HTTPTransport {
    private let inner: any HTTPTransport
    private let trigger: Int
    private let action: @Sendable () -> Void
    private let count = Mutex(0)

    init(_ inner: any HTTPTransport, before trigger: Int, _ action: @escaping @Sendable () -> Void) {
        self.inner = inner
        self.trigger = trigger
        self.action = action
    }

    func get(url: String, headers: [(name: String, value: String)], timeout: TimeSpan) throws(TransportError) -> HTTPResult {
        let number = count.withLock { $0 += 1; return $0 }
        if number == trigger { action() }
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
