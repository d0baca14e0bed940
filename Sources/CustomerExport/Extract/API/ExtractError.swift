
/// Why a request failed for good.
package enum ExtractError: Error, Sendable, CustomStringConvertible {
    /// The API refused the request (400, 401, 403, 404...): retrying cannot help, the run stops.
    case rejected(status: Int, message: String, request: String)
    /// Every attempt failed with a retryable problem.
    case exhausted(attempts: Int, lastProblem: String, request: String)
    /// The API's answers contradict each other in a way no re-read can fix (it serves the same
    /// page whatever the offset): the window fails with this reason, the run goes on.
    case inconsistent(problem: String, request: String)
    /// The response body was over `api.maxResponseBytes` and abandoned: the page is read again
    /// in smaller pages, down to one record. `firstRecordId` is the id its leading bytes named.
    case bodyTooLarge(limit: Int, request: String, firstRecordId: String?)
    /// The run was cancelled while this request waited or was in flight.
    case cancelled

    package var description: String {
        switch self {
        case let .rejected(status, message, request):
            return "the API rejected the request with \(status): \(message) (request: GET \(request))"
        case let .exhausted(attempts, lastProblem, request):
            return "the API request failed \(attempts) times, last with \(lastProblem) (request: GET \(request))"
        case let .inconsistent(problem, request):
            return "the API's pages contradict each other: \(problem) (request: GET \(request))"
        case let .bodyTooLarge(limit, request, _):
            return "the response was over api.maxResponseBytes (\(limit) bytes) (request: GET \(request))"
        case .cancelled:
            return "cancelled"
        }
    }
}
