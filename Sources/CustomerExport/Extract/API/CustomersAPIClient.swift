import Foundation
import Logging
import CustomerExportCommon

/// A page the API returned, parsed into record spans.
package struct FetchedPage: Sendable {
    package var request: PageRequest
    package var body: PageBody
    package var attempts: Int

    package init(request: PageRequest, body: PageBody, attempts: Int) {
        (self.request, self.body, self.attempts) = (request, body, attempts)
    }
}

/// Fetches pages of `GET /v1/customers`, retrying what is worth retrying.
///
/// Retried: 429, 5xx, transport failures (refused, reset, timed out) and bodies that are not the
/// promised JSON (a cut response), for as long as the retry budget allows (`RetryPolicy`). When
/// requests fail across the board, the process-wide `APICircuit` holds every request back and
/// probes the API alone, instead of each request spending its own budget. Not retried: any other
/// 4xx, whose `message` is surfaced with the request that caused it. The token never appears in
/// errors: URLs carry no secret and the header is never printed.
package struct CustomersAPIClient: Sendable {
    package let configuration: APIConfiguration
    package let transport: any HTTPTransport
    package let stats: RequestStats
    package let cancellation: CancellationToken
    /// Spaces requests when a per-worker or global request rate is set.
    package let rateLimiter: RateLimiter?
    /// Shared by every request of the process: pauses them all while the API is down.
    package let circuit: APICircuit
    private let query: CustomersQuery

    package init(
        configuration: APIConfiguration, transport: any HTTPTransport, stats: RequestStats, cancellation: CancellationToken,
        rateLimiter: RateLimiter? = nil, circuit: APICircuit? = nil
    ) {
        self.configuration = configuration
        self.transport = transport
        self.stats = stats
        self.cancellation = cancellation
        self.rateLimiter = rateLimiter
        self.circuit = circuit ?? APICircuit(policy: configuration.retry, health: ServiceHealth(), logger: Logger(label: "customer-export.api"))
        self.query = CustomersQuery(endpoint: configuration.endpoint, filters: configuration.filters, arrayStyle: configuration.arrayStyle)
    }

    package func url(for request: PageRequest) -> String { query.url(for: request) }

    /// Fetches `request`, retrying as described above. With a `slot`, the slot is given back the
    /// moment a 200 is in (before this thread wakes to parse it) and taken again before any retry.
    package func fetch(_ request: PageRequest, slot: RequestSlot? = nil) throws(ExtractError) -> FetchedPage {
        let url = query.url(for: request)
        let whenAnswered: @Sendable (Int) -> Void = { status in if status == 200 { slot?.release() } }
        let policy = configuration.retry
        var attempt = 0
        var firstFailure: Timestamp?
        var brokenEnvelopes = 0
        while true {
            attempt += 1
            guard !cancellation.isCancelled else { throw .cancelled }
            slot?.reacquire()
            let isProbe: Bool
            switch circuit.admit(cancellation: cancellation) {
            case .cancelled: throw .cancelled
            case let .gaveUp(reason): throw .exhausted(attempts: attempt - 1, lastProblem: reason, request: url)
            case let .go(probe): isProbe = probe
            }
            if let rateLimiter, !rateLimiter.acquire(cancellation: cancellation) { throw .cancelled }
            let failure: AttemptFailure
            switch try self.attempt(request, url: url, attempt: attempt, whenAnswered: whenAnswered) {
            case let .page(page): return page
            case let .failed(failed): failure = failed
            }
            let (problem, outcome, retryAfter, bytes) = (failure.problem, failure.outcome, failure.retryAfter, failure.bytes)
            // A 200 whose envelope is broken means the API is up: it must not open the circuit
            // meant for outages, and a body broken the same way every time is the window's
            // failure after a few tries, not the retry budget's.
            if failure.envelopeBroken {
                brokenEnvelopes += 1
                circuit.recordAnswer()
                if brokenEnvelopes >= Self.brokenEnvelopeAttempts {
                    stats.record(outcome: outcome, bytes: bytes, willRetry: false, isPage: false)
                    throw .exhausted(attempts: attempt, lastProblem: "\(problem), \(brokenEnvelopes) times: the API answers, but not with the \(configuration.envelope.rawValue) envelope", request: url)
                }
            } else {
                circuit.recordFailure(problem, retryAfter: retryAfter, probe: isProbe)
            }
            let now = Timestamp.now()
            let waited = now.span(since: firstFailure ?? now)
            if firstFailure == nil { firstFailure = now }
            let delay = policy.delay(afterAttempt: attempt, retryAfter: retryAfter, unitRandom: Double.random(in: 0..<1))
            let stop = policy.reasonToStop(attempts: attempt, waited: waited, delay: circuit.isOpen ? .seconds(0) : delay)
            stats.record(outcome: outcome, bytes: bytes, willRetry: stop == nil, isPage: false)
            if let stop {
                throw .exhausted(attempts: attempt, lastProblem: "\(problem), \(stop)", request: url)
            }
            // An open circuit makes the next `admit` wait for the probe; a private backoff on top
            // would only delay this request after the API is back.
            if !circuit.isOpen {
                guard cancellation.sleep(delay) else { throw .cancelled }
            }
        }
    }

    /// Tries of a request whose 200 bodies keep failing to parse before its window fails.
    package static let brokenEnvelopeAttempts = 3

    /// The API's own explanation: `message` from a JSON error body, else the start of the body as text.
    package static func message(in body: [UInt8]) -> String {
        if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], let message = object["message"] as? String {
            return message
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(empty body)" : text
    }
}
