import Foundation

/// Command-line values that override a pipeline file. Every field is optional: nil means "not given".
public struct RunOverrides: Sendable {
    public var mode: RunMode?
    public var apiURL: String?
    public var databaseURL: String?
    public var tokenFile: String?
    public var caFile: String?
    public var from: String?
    public var to: String?
    public var start: String?
    public var lookback: String?
    public var lag: String?
    public var window: String?
    public var concurrency: Int?
    public var loaders: Int?
    public var pageSize: Int?
    public var maxWindowRows: Int?
    public var targetSchema: String?
    public var targetTable: String?
    public var stateSchema: String?
    public var restart = false
    public var wait = false
    public var dryRun = false
    public var planOnly = false
    public var maxRequestsPerSecond: Double?
    public var globalMaxRequestsPerSecond: Double?
    /// How long to wait out an API or database outage (both sides), e.g. `10m`.
    public var retryFor: String?

    public init() {}
}

/// Merges defaults, a pipeline file, the environment and flags (in rising priority) into a
/// `RunRequest`, turning every malformed value into a sentence that names the flag or key.
public enum RunRequestBuilder {
    public static func build(
        definition: PipelineDefinition?, overrides: RunOverrides, environment: [String: String]
    ) throws(ExportError) -> RunRequest {
        let file = definition
        let mode = overrides.mode ?? file?.mode ?? .backfill
        let name = file?.pipeline ?? mode.rawValue

        guard let baseURL = overrides.apiURL ?? file?.api?.url ?? environment["CUSTOMERS_API_URL"] else {
            throw .configuration("no API URL: pass --api-url URL (e.g. http://127.0.0.1:8080) or set api.url in the pipeline file")
        }
        var api = APIConfiguration(baseURL: baseURL, token: try token(file?.api, overrides, environment))
        api.tokenFile = overrides.tokenFile ?? file?.api?.tokenFile
        api.tokenEnv = api.tokenFile == nil ? (file?.api?.tokenEnv ?? "CUSTOMERS_API_TOKEN") : nil
        if let path = file?.api?.path { api.path = path }
        if let header = file?.api?.authHeader { api.authHeaderName = header }
        if let scheme = file?.api?.authScheme { api.authScheme = scheme }
        if let envelope = file?.api?.envelope { api.envelope = envelope }
        if let pageSize = overrides.pageSize ?? file?.api?.pageSize { api.pageSize = pageSize }
        if let style = file?.api?.arrayStyle { api.arrayStyle = style }
        if let timeout = file?.api?.timeout { api.requestTimeout = try span(timeout, "api.timeout") }
        if let timeout = file?.api?.connectTimeout { api.connectTimeout = try span(timeout, "api.connectTimeout") }
        api.caFile = overrides.caFile ?? file?.api?.caFile
        if let attempts = file?.api?.maxAttempts {
            guard attempts >= 1 else { throw .configuration("api.maxAttempts must be at least 1") }
            api.retry.maxAttempts = attempts
        }
        if let budget = overrides.retryFor ?? file?.api?.retryFor {
            api.retry.retryFor = try span(budget, overrides.retryFor != nil ? "--retry-for" : "api.retryFor")
        }
        if let readAhead = file?.api?.readAhead { api.readAhead = readAhead }
        if let filters = file?.api?.filters { api.filters = filters }
        if let caFile = api.caFile, !FileManager.default.fileExists(atPath: caFile) {
            throw .configuration("the CA file \(caFile) does not exist; check --ca-file or api.caFile")
        }

        let database = file?.database
        let target = try TargetTable(
            schema: overrides.targetSchema ?? database?.targetSchema ?? "public",
            table: overrides.targetTable ?? database?.targetTable ?? "customers",
            history: database?.history ?? false)
        let state = try StateSchema(overrides.stateSchema ?? database?.stateSchema ?? "customer_export")
        let databaseURL = overrides.databaseURL ?? database?.url ?? environment["DATABASE_URL"] ?? ""

        var request = RunRequest(pipeline: name, mode: mode, api: api, databaseURL: databaseURL, target: target, state: state)
        if let concurrency = overrides.concurrency ?? file?.concurrency { request.concurrency = concurrency }
        if let loaders = overrides.loaders ?? file?.loaders { request.loaders = loaders }
        if let rows = overrides.maxWindowRows ?? file?.maxWindowRows { request.maxWindowRows = rows }
        if let attempts = file?.maxReadAttempts {
            guard attempts >= 1 else { throw .configuration("maxReadAttempts must be at least 1") }
            request.maxReadAttempts = attempts
        }
        if let bytes = file?.maxStringBytes { request.normalizer = CustomerNormalizer(maxStringBytes: bytes) }
        if let budget = overrides.retryFor ?? database?.retryFor {
            request.databaseRetryFor = try span(budget, overrides.retryFor != nil ? "--retry-for" : "database.retryFor")
        }
        request.restart = overrides.restart
        request.waitForLock = overrides.wait
        request.dryRun = overrides.dryRun
        request.planOnly = overrides.planOnly
        request.maxRequestsPerSecond = overrides.maxRequestsPerSecond
        request.globalMaxRequestsPerSecond = overrides.globalMaxRequestsPerSecond

        switch mode {
        case .backfill, .reconcile:
            let section = file?.backfill
            if let from = overrides.from ?? section?.from { request.from = try instant(from, "--from") }
            if let to = overrides.to ?? section?.to {
                request.to = try instant(to, "--to")
                // A date alone ends the range before that day; a full timestamp includes its instant.
                if !Timestamp.isDateOnly(to), let end = request.to { request.to = end.adding(nanoseconds: 1_000) }
            }
            if let window = overrides.window ?? section?.window { request.windowSize = try span(window, "--window") }
            if let lag = overrides.lag { request.lag = try span(lag, "--lag") }
        case .incremental:
            let section = file?.incremental
            if let start = overrides.start ?? section?.start { request.start = try instant(start, "--start") }
            if let lookback = overrides.lookback ?? section?.lookback { request.lookback = try span(lookback, "--lookback") }
            if let lag = overrides.lag ?? section?.lag { request.lag = try span(lag, "--lag") }
            if let window = overrides.window ?? section?.window { request.windowSize = try span(window, "--window") }
        }
        try request.validate()
        return request
    }

    public static func token(_ api: PipelineDefinition.API?, _ overrides: RunOverrides, _ environment: [String: String]) throws(ExportError) -> String {
        if let path = overrides.tokenFile ?? api?.tokenFile {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .configuration("cannot read the token file \(path); check --token-file")
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw .configuration("the token file \(path) is empty") }
            return token
        }
        let variable = api?.tokenEnv ?? "CUSTOMERS_API_TOKEN"
        guard let token = environment[variable]?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
            throw .configuration("no API token: set \(variable) in the environment or pass --token-file FILE")
        }
        return token
    }

    static func instant(_ text: String, _ name: String) throws(ExportError) -> Timestamp {
        guard let value = Timestamp(dateOrTimestamp: text) else {
            throw .configuration("\(name) \"\(text)\" is not a date (YYYY-MM-DD) or an RFC 3339 timestamp (2024-01-01T00:00:00Z)")
        }
        return value
    }

    static func span(_ text: String, _ name: String) throws(ExportError) -> TimeSpan {
        guard let value = TimeSpan(parsing: text) else {
            throw .configuration("\(name) \"\(text)\" is not a duration; use a whole number with s, m, h or d, such as 90s, 15m, 1h or 1d")
        }
        return value
    }
}
