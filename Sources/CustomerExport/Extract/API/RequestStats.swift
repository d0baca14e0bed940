import Synchronization

/// Counts of requests by outcome (`200`, `429`, `503`, `transport`, `unparseable`), retries and
/// bytes, shared by every fetching thread. Run reports and metrics read a snapshot.
public final class RequestStats: Sendable {
    public struct Snapshot: Sendable, Equatable, Codable {
        public var byOutcome: [String: Int] = [:]
        public var retries: [String: Int] = [:]
        public var requests = 0
        public var bytes = 0
        public var pages = 0
    }

    private let state = Mutex(Snapshot())

    public init() {}

    package func record(outcome: String, bytes: Int, willRetry: Bool, isPage: Bool) {
        state.withLock {
            $0.requests += 1
            $0.bytes += bytes
            $0.byOutcome[outcome, default: 0] += 1
            if willRetry { $0.retries[outcome, default: 0] += 1 }
            if isPage { $0.pages += 1 }
        }
    }

    public var snapshot: Snapshot { state.withLock { $0 } }
}
