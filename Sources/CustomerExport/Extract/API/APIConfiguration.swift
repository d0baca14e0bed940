import CustomerExportCommon

/// Everything needed to talk to one deployment of the Customers API. The contract lists what
/// deployments do differently (base URL, path, auth header, envelope, page size, array style), so
/// each of those is a setting here rather than an assumption in code.
public struct APIConfiguration: Sendable {
    /// The server's base URL, as in the contract's `servers` entry: `http://127.0.0.1:8080`.
    public var baseURL: String
    public var path: String = "/v1/customers"
    /// Never logged, never in a report: only `authorizationHeader` reads it.
    public var token: String
    /// Where the token was read from (a variable's name or a file's path; never the token),
    /// stored with a run so that workers read it from the same place.
    public var tokenEnv: String?
    public var tokenFile: String?
    public var authHeaderName: String = "Authorization"
    /// Prefix of the header value; empty sends the bare token.
    public var authScheme: String = "Bearer"
    /// Sent as `User-Agent` with every request (`api.userAgent`).
    public var userAgent = "customer-export"
    public var envelope: ResponseEnvelope = .dataMeta
    /// Records per request, at most the server's maximum.
    public var pageLimit: Int = 200
    public var arrayStyle: ArrayParameterStyle = .repeated
    public var filters = CustomerFilters()
    public var requestTimeout: TimeSpan = .seconds(60)
    public var connectTimeout: TimeSpan = .seconds(10)
    public var caFile: String?
    public var retry = RetryPolicy()
    /// The largest response body read (after decompression). A body past it is abandoned while it
    /// streams in and its page read again in smaller pages, so one huge record cannot take the
    /// process's memory: 20 MiB is a hundred times a page of ordinary customers.
    public var maxResponseBytes: Int = Self.defaultMaxResponseBytes
    public static let defaultMaxResponseBytes = 20 * 1024 * 1024

    public init(baseURL: String, token: String) {
        self.baseURL = baseURL
        self.token = token
    }

    public var endpoint: String {
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
