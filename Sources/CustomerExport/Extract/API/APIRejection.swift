import Foundation
import CustomerExportCommon

/// The sentence for a request the API refused (400, 401, 403, 404), saying what to change.
///
/// The contract gives each status a meaning, so the advice differs: 401 means the token may
/// not use a filter that was sent (an `operatorId` outside its scope), 403 that the token is
/// missing or not valid, 400 about `limit` that the page size is over the server's maximum
/// (a configuration error: exit 2, found by the first request, before anything is written).
/// The token itself is never shown; where it was read from is.
package struct APIRejection {
    package var status: Int
    package var message: String
    package var request: String
    package var api: APIConfiguration

    /// "CUSTOMERS_API_TOKEN" or "the file /run/secrets/token".
    package var tokenSource: String {
        if let file = api.tokenFile { return "the file \(file)" }
        return api.tokenEnv ?? "CUSTOMERS_API_TOKEN"
    }

    package var error: ExportError {
        let answered = "GET \(request) answered \(status): \(message)"
        switch status {
        case 400 where message.lowercased().contains("limit"):
            let maximum = Self.maximum(in: message).map { "at most \($0)" } ?? "smaller"
            return .configuration(
                "the API refuses pages of \(api.pageLimit) records (\(answered)); set --page-size \(maximum)")
        case 401:
            return .apiRejected(
                "the API refused a filter for this token (\(answered)); the token read from \(tokenSource) may not use the filters sent (\(api.filters.summary)); use a token with that permission, or drop the filter")
        case 403:
            return .apiRejected(
                "the API refused the credentials (\(answered)); the token read from \(tokenSource) is missing or not valid for \(api.authHeaderName): \(api.authScheme.isEmpty ? "" : api.authScheme + " ")<token>; check it")
        case 300...399:
            return .apiRejected(
                "the API answered with \(message) (GET \(request) answered \(status)); redirects are followed only within the API's origin so that the token goes nowhere else: set --api-url (api.url) to the address it redirects to if you trust it")
        case 404:
            return .apiRejected("the API has no such endpoint (\(answered)); check --api-url and the pipeline's api.path")
        default:
            return .apiRejected("the API rejected the request (\(answered)); check the filters (\(api.filters.summary)) and --page-size against the API's limits")
        }
    }

    /// The largest number in the server's message ("limit must be at most 200, got 500" → 200),
    /// ignoring the page size that was refused.
    package static func maximum(in message: String) -> Int? {
        let numbers = message.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard let got = message.range(of: "got") else { return numbers.max() }
        let before = message[..<got.lowerBound].split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        return before.last ?? numbers.max()
    }

    package init(status: Int, message: String, request: String, api: APIConfiguration) {
        self.status = status
        self.message = message
        self.request = request
        self.api = api
    }
}
