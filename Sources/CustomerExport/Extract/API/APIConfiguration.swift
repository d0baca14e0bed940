import CustomerExportCommon

/// Everything needed to talk to one deployment of the Customers API. The contract lists what
/// deployments do differently (base URL, path, auth header, envelope, page size, array style), so
/// each of those is a setting here rather than an assumption in code.
package struct APIConfiguration: Sendable {
    /// The server's base URL, as in the contract's `servers` entry: `http://127.0.0.1:8080`.
    package var baseURL: String
    package var path: String = "/v1/customers"
    /// Never logged, never in a report: only `authorizationHeader` reads it.
    package var token: String
    /// Where the token was read from (a variable's name or a file's path; never the token),
    /// stored with a run so that workers read it from the same place.
    package var tokenEnv: String?
    package var tokenFile: String?
    package var authHeaderName: String = "Authorization"
    /// Prefix of the header value; empty sends the bare token.
    package var authScheme: String = "Bearer"
    /// Sent as `User-Agent` with every request (`api.userAgent`).
    package var userAgent = "customer-export"
    package var envelope: ResponseEnvelope = .dataMeta
    /// Records per request, at most the server's maximum.
    package var pageLimit: Int = 200
    package var arrayStyle: ArrayParameterStyle = .repeated
    package var filters = CustomerFilters()
    package var requestTimeout: TimeSpan = .seconds(60)
    package var connectTimeout: TimeSpan = .seconds(10)
    package var caFile: String?
    package var retry = RetryPolicy()
    /// The largest response body read (after decompression). A body past it is abandoned while it
    /// streams in and its page read again in smaller pages, so one huge record cannot take the
    /// process's memory: 20 MiB is a hundred times a page of ordinary customers.
    package var maxResponseBytes: Int = Self.defaultMaxResponseBytes
    package static let defaultMaxResponseBytes = 20 * 1024 * 1024

    package init(baseURL: String, token: String) {
        self.baseURL = baseURL
        self.token = token
    }

    package var endpoint: String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + (path.hasPrefix("/") ? path : "/" + path)
    }

    /// `text` with the token and the header value replaced by `<token>`: an HTTP library's
    /// error may quote the request's headers.
    package func redacting(_ text: String) -> String {
        guard !token.isEmpty, text.contains(token) else { return text }
        return text.replacingOccurrences(of: authorizationHeader.value, with: "<token>").replacingOccurrences(of: token, with: "<token>")
    }

    /// The headers every request carries.
    package var requestHeaders: [(name: String, value: String)] { [authorizationHeader, ("User-Agent", userAgent)] }

    package var authorizationHeader: (name: String, value: String) {
        (authHeaderName, authScheme.isEmpty ? token : authScheme + " " + token)
    }
}
