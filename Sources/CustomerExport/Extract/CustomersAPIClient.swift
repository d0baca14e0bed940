import Foundation

/// A page the API returned, parsed into record spans.
public struct FetchedPage: Sendable {
    public var request: PageRequest
    public var body: PageBody
    public var attempts: Int
}

/// Fetches pages of `GET /v1/customers`, retrying what is worth retrying.
///
/// Retried: 429, 5xx, transport failures (refused, reset, timed out) and bodies that are not the
/// promised JSON (a cut response). Not retried: any other 4xx, whose `message` is surfaced with
/// the request that caused it. The token never appears in errors: URLs carry no secret and the
/// header is never printed.
public struct CustomersAPIClient: Sendable {
    public let configuration: APIConfiguration
    public let transport: any HTTPTransport
    public let stats: RequestStats
    public let cancellation: CancellationToken
    /// Spaces requests when a per-worker or global request rate is set.
    public let rateLimiter: RateLimiter?
    private let query: CustomersQuery

    public init(
        configuration: APIConfiguration, transport: any HTTPTransport, stats: RequestStats, cancellation: CancellationToken,
        rateLimiter: RateLimiter? = nil
    ) {
        self.configuration = configuration
        self.transport = transport
        self.stats = stats
        self.cancellation = cancellation
        self.rateLimiter = rateLimiter
        self.query = CustomersQuery(endpoint: configuration.endpoint, filters: configuration.filters, arrayStyle: configuration.arrayStyle)
    }

    public func url(for request: PageRequest) -> String { query.url(for: request) }

    /// Fetches `request`, retrying as described above. With a `slot`, the slot is given back the
    /// moment a 200 is in (before this thread wakes to parse it) and taken again before any retry.
    public func fetch(_ request: PageRequest, slot: RequestSlot? = nil) throws(ExtractError) -> FetchedPage {
        let url = query.url(for: request)
        let headers = [configuration.authorizationHeader]
        let whenAnswered: @Sendable (Int) -> Void = { status in if status == 200 { slot?.release() } }
        var attempt = 0
        while true {
            attempt += 1
            guard !cancellation.isCancelled else { throw .cancelled }
            slot?.reacquire()
            if let rateLimiter, !rateLimiter.acquire(cancellation: cancellation) { throw .cancelled }
            let problem: String
            var retryAfter: TimeSpan?
            let willRetry = attempt < configuration.retry.maxAttempts
            do {
                let result = try transport.get(url: url, headers: headers, timeout: configuration.requestTimeout, whenAnswered: whenAnswered)
                switch result.status {
                case 200:
                    do {
                        let body = try PageBody(bytes: result.body, envelope: configuration.envelope)
                        stats.record(outcome: "200", bytes: result.body.count, willRetry: false, isPage: true)
                        return FetchedPage(request: request, body: body, attempts: attempt)
                    } catch {
                        problem = "an unparseable 200 body (\(error))"
                        stats.record(outcome: "unparseable", bytes: result.body.count, willRetry: willRetry, isPage: false)
                    }
                case 429, 500...599:
                    problem = "HTTP \(result.status)"
                    retryAfter = RetryPolicy.parseRetryAfter(result.header("Retry-After"))
                    stats.record(outcome: String(result.status), bytes: result.body.count, willRetry: willRetry, isPage: false)
                default:
                    stats.record(outcome: String(result.status), bytes: result.body.count, willRetry: false, isPage: false)
                    throw ExtractError.rejected(status: result.status, message: Self.message(in: result.body), request: url)
                }
            } catch let error as ExtractError {
                throw error
            } catch {
                problem = "a transport error: \(error)"
                stats.record(outcome: "transport", bytes: 0, willRetry: willRetry, isPage: false)
            }
            guard willRetry else {
                throw .exhausted(attempts: attempt, lastProblem: problem, request: url)
            }
            let delay = configuration.retry.delay(afterAttempt: attempt, retryAfter: retryAfter, unitRandom: Double.random(in: 0..<1))
            guard cancellation.sleep(delay) else { throw .cancelled }
        }
    }

    /// The API's own explanation: `message` from a JSON error body, else the start of the body as text.
    static func message(in body: [UInt8]) -> String {
        if let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], let message = object["message"] as? String {
            return message
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "(empty body)" : text
    }
}
