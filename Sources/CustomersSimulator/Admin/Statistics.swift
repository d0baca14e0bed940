import Synchronization

/// Counters of what the simulator did, served by `GET /__admin/stats` so a test or benchmark
/// can check what its client saw against what the server sent.
struct Statistics: Sendable, Equatable {
    /// `/v1/customers` responses by status code (as text), plus `reset` and `truncated`.
    var requests: [String: Int] = [:]
    /// Complete 200 pages of `/v1/customers`.
    var pages = 0
    /// Body bytes sent by `/v1/customers` (half a body for a truncated response).
    var bodyBytes = 0
    /// `/v1/customers` requests that carried an `Authorization` or `X-Api-Key` header, whatever
    /// their answer: zero on a redirect target proves a client did not follow with its credentials.
    var requestsWithCredentials = 0
    /// Mutations performed, by kind.
    var mutations: [String: Int] = Dictionary(uniqueKeysWithValues: MutationKind.allCases.map { ($0.rawValue, 0) })

    var json: [UInt8] {
        var out = JSONWriter()
        out.raw("{")
        out.key("requests")
        writeCounts(requests, into: &out)
        out.nextKey("pages")
        out.int(Int64(pages))
        out.nextKey("bodyBytes")
        out.int(Int64(bodyBytes))
        out.nextKey("requestsWithCredentials")
        out.int(Int64(requestsWithCredentials))
        out.nextKey("mutations")
        writeCounts(mutations, into: &out)
        out.raw("}")
        return out.bytes
    }

    private func writeCounts(_ counts: [String: Int], into out: inout JSONWriter) {
        out.value(.object(counts.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) }))
    }
}

/// The shared, lock-protected ``Statistics`` of one running simulator.
final class StatisticsRecorder: Sendable {
    private let statistics = Mutex(Statistics())

    /// Records one finished `/v1/customers` request under `outcome` (a status code, `reset` or
    /// `truncated`).
    func recordRequest(_ outcome: String, bodyBytes: Int, isPage: Bool) {
        statistics.withLock {
            $0.requests[outcome, default: 0] += 1
            $0.bodyBytes += bodyBytes
            if isPage { $0.pages += 1 }
        }
    }

    /// Records one `/v1/customers` request that carried credentials.
    func recordCredentials() {
        statistics.withLock { $0.requestsWithCredentials += 1 }
    }

    func recordMutation(_ kind: MutationKind) {
        statistics.withLock { $0.mutations[kind.rawValue, default: 0] += 1 }
    }

    var current: Statistics {
        statistics.withLock { $0 }
    }

    func reset() {
        statistics.withLock { $0 = Statistics() }
    }
}
