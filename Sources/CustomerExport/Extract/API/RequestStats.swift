import Synchronization

/// Counts of requests by outcome (`200`, `429`, `503`, `transport`, `unparseable`), retries and
/// bytes, shared by every fetching thread. Run reports and metrics read a snapshot.
package final class RequestStats: Sendable {
    package struct Snapshot: Sendable, Equatable, Codable {
        package var byOutcome: [String: Int] = [:]
        package var retries: [String: Int] = [:]
        package var requests = 0
        package var bytes = 0
        package var pages = 0
    }

    private let state = Mutex(Snapshot())

    package init() {}

    package func record(outcome: String, bytes: Int, willRetry: Bool, isPage: Bool) {
        state.withLock {
            $0.requests += 1
            $0.bytes += bytes
            $0.byOutcome[outcome, default: 0] += 1
            if willRetry { $0.retries[outcome, default: 0] += 1 }
            if isPage { $0.pages += 1 }
        }
    }

    package var snapshot: Snapshot { state.withLock { $0 } }
}
