import Dispatch
import Foundation
import Synchronization

/// Waiting for SIGINT or SIGTERM, so the simulator can stop its server cleanly.
enum TerminationSignal {
    static func wait() async {
        let signals = [SIGINT, SIGTERM]
        let sources = signals.map { number in
            signal(number, SIG_IGN)  // let the dispatch source, not the default action, see it
            return DispatchSource.makeSignalSource(signal: number, queue: .global())
        }
        let fired = Fired()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            for source in sources {
                source.setEventHandler {
                    if fired.first() { continuation.resume() }
                }
                source.resume()
            }
        }
        for source in sources { source.cancel() }
    }

    /// True exactly once, however many signals arrive.
    private final class Fired: Sendable {
        private let flag = Mutex(false)

        func first() -> Bool {
            flag.withLock { fired in
                defer { fired = true }
                return !fired
            }
        }
    }
}
