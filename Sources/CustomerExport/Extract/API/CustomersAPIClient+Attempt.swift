import CustomerExportCommon

/// A retryable failure of one attempt: what to log and count, and what the server asked for.
package struct AttemptFailure {
    package var problem: String
    /// The statistics' outcome: a status code, `unparseable` or `transport`.
    package var outcome: String
    package var retryAfter: TimeSpan?
    package var bytes = 0
    /// A 200 whose envelope is not the configured one: the API is up, the body is the problem.
    package var envelopeBroken = false
}

extension CustomersAPIClient {
    package enum AttemptResult {
        case page(FetchedPage)
        case failed(AttemptFailure)
    }

    /// Sends `request` once and classifies the answer: a page, a failure worth retrying, or an
    /// error that ends the request (a 4xx, a redirect to another origin, a body over the limit).
    package func attempt(
        _ request: PageRequest, url: String, attempt: Int, whenAnswered: @escaping @Sendable (Int) -> Void
    ) throws(ExtractError) -> AttemptResult {
        let result: HTTPResult
        do {
            result = try transport.get(url: url, headers: configuration.requestHeaders, timeout: configuration.requestTimeout, whenAnswered: whenAnswered)
        } catch let error where error.bodyTooLarge != nil {
            stats.record(outcome: "too-large", bytes: error.bodyTooLarge ?? 0, willRetry: false, isPage: false)
            circuit.recordAnswer()
            let id = error.leadingBytes.withUnsafeBufferPointer { LeadingRecordId.firstRecordId($0, envelope: configuration.envelope) }
            throw .bodyTooLarge(limit: error.bodyTooLarge ?? 0, request: url, firstRecordId: id)
        } catch {
            return .failed(AttemptFailure(problem: "a transport error: \(configuration.redacting(String(describing: error)))", outcome: "transport"))
        }
        let bytes = result.body.count
        switch result.status {
        case 200:
            do {
                let body = try PageBody(bytes: result.body, envelope: configuration.envelope)
                stats.record(outcome: "200", bytes: bytes, willRetry: false, isPage: true)
                circuit.recordAnswer()
                return .page(FetchedPage(request: request, body: body, attempts: attempt))
            } catch {
                return .failed(AttemptFailure(problem: "an unparseable 200 body (\(error))", outcome: "unparseable", bytes: bytes, envelopeBroken: true))
            }
        case 300...399:
            // Only a redirect the transport would not follow gets here: to another origin.
            stats.record(outcome: String(result.status), bytes: bytes, willRetry: false, isPage: false)
            circuit.recordAnswer()
            let target = RedirectPolicy.location(of: result, requestedURL: url).flatMap(RedirectPolicy.origin(of:)) ?? "an address it did not give"
            throw .rejected(status: result.status, message: "a redirect from \(RedirectPolicy.origin(of: url) ?? url) to \(target)", request: url)
        case 429, 500...599:
            return .failed(AttemptFailure(
                problem: "HTTP \(result.status)", outcome: String(result.status),
                retryAfter: RetryPolicy.parseRetryAfter(result.header("Retry-After")), bytes: bytes))
        default:
            stats.record(outcome: String(result.status), bytes: bytes, willRetry: false, isPage: false)
            circuit.recordAnswer()
            throw .rejected(status: result.status, message: Self.message(in: result.body), request: url)
        }
    }
}
