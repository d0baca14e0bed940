import Foundation
import Synchronization
import CustomerExportCommon

/// A token bucket that spaces requests to at most `rate` per second (bursts up to one second's
/// worth). The rate can change while running: workers sharing a global limit re-divide it as
/// workers come and go.
package final class RateLimiter: Sendable {
    private struct Bucket {
        package var rate: Double
        package var tokens: Double
        package var last: Double
    }

    private let bucket: Mutex<Bucket>

    package init(requestsPerSecond: Double) {
        bucket = Mutex(Bucket(rate: requestsPerSecond, tokens: min(1, requestsPerSecond), last: Self.now()))
    }

    private static func now() -> Double { Timestamp.now().secondsSinceEpoch }

    package var rate: Double { bucket.withLock { $0.rate } }

    package func setRate(_ requestsPerSecond: Double) {
        bucket.withLock { $0.rate = max(0.01, requestsPerSecond) }
    }

    /// Blocks until a request may go out; returns false if cancelled while waiting.
    package func acquire(cancellation: CancellationToken) -> Bool {
        while true {
            let wait: Double = bucket.withLock { b in
                let now = Self.now()
                b.tokens = min(max(1, b.rate), b.tokens + (now - b.last) * b.rate)
                b.last = now
                if b.tokens >= 1 {
                    b.tokens -= 1
                    return 0
                }
                return (1 - b.tokens) / b.rate
            }
            if wait == 0 { return true }
            guard cancellation.sleep(TimeSpan(nanoseconds: Int64(wait * 1e9))) else { return false }
        }
    }
}
