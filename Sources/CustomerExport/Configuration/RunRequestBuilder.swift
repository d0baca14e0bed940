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
    /// About how many records a window holds (`RunRequest.targetWindowRows`).
    public var windowRows: Int?
    public var targetSchema: String?
    public var targetTable: String?
    public var stateSchema: String?
    public var restart = false
    public var wait = false
    public var planOnly = false
    /// Keep every version in `<table>_history` (`--history`), overriding `database.history`.
    public var history: Bool?
    public var maxRequestsPerSecond: Double?
    public var globalMaxRequestsPerSecond: Double?
    /// How long to wait out an API or database outage (both sides), e.g. `10m`.
    public var retryFor: String?
    /// Filters given as flags; each one set replaces the file's value for that filter.
    public var filters = CustomerFilters()

    public init() {}
}

/// Merges defaults, a pipeline file, the environment and flags (in rising priority) into a
/// `RunRequest`, turning every malformed value into a sentence that names the flag or key.
public enum RunRequestBuilder {
    public static func build(
        definition: PipelineDefinition?, overrides: RunOverrides, environment: [String: String]
    ) throws(ExportError) -> RunRequest {
        let file = definition
        /// A file value, unless it uses a variable that is not set (a flag replacing it never gets here).
        func fromFile(_ value: String?, _ key: String, flag: String? = nil) throws(ExportError) -> String? {
            guard let file else { return value }
            return try file.resolved(value, key: key, flag: flag)
        }
        /// The flag's value if given, else the file's (checked as above).
        func flagOrFile(_ flagValue: String?, _ value: String?, _ key: String, flag: String) throws(ExportError) -> String? {
            if let flagValue { return flagValue }
            return try fromFile(value, key, flag: flag)
        }
        let mode = overrides.mode ?? file?.mode ?? .backfill
        let name = file?.pipeline ?? mode.rawValue

        let givenURL = try flagOrFile(overrides.apiURL, file?.api?.url, "api.url", flag: "--api-url")
        guard var baseURL = givenURL ?? environment["CUSTOMERS_API_URL"] else {
            throw .configuration("no API URL: pass --api-url URL (e.g. http://127.0.0.1:8080) or set api.url in the pipeline file")
        }
        var fileAPI = file?.api
        fileAPI?.tokenFile = overrides.tokenFile != nil ? nil : try fromFile(file?.api?.tokenFile, "api.tokenFile", flag: "--token-file")
        var api = APIConfiguration(baseURL: baseURL, token: try token(fileAPI, overrides, environment))
        api.tokenFile = overrides.tokenFile ?? fileAPI?.tokenFile
        api.tokenEnv = api.tokenFile == nil ? (fileAPI?.tokenEnv ?? "CUSTOMERS_API_TOKEN") : nil
        if let path = try fromFile(file?.api?.path, "api.path") { api.path = path }
        // The endpoint's full URL (as its reference page shows it) is accepted as well as the base.
        while baseURL.hasSuffix("/") { baseURL.removeLast() }
        let path = api.path.hasPrefix("/") ? api.path : "/" + api.path
        api.baseURL = baseURL.hasSuffix(path) ? String(baseURL.dropLast(path.count)) : baseURL
        if let header = try fromFile(file?.api?.authHeader, "api.authHeader") { api.authHeaderName = header }
        if let scheme = try fromFile(file?.api?.authScheme, "api.authScheme") { api.authScheme = scheme }
        if let envelope = file?.api?.envelope { api.envelope = envelope }
        if let pageSize = overrides.pageSize ?? file?.api?.pageSize { api.pageSize = pageSize }
        if let style = file?.api?.arrayStyle { api.arrayStyle = style }
        if let timeout = try fromFile(file?.api?.timeout, "api.timeout") { api.requestTimeout = try span(timeout, "api.timeout") }
        if let timeout = try fromFile(file?.api?.connectTimeout, "api.connectTimeout") { api.connectTimeout = try span(timeout, "api.connectTimeout") }
        api.caFile = try flagOrFile(overrides.caFile, file?.api?.caFile, "api.caFile", flag: "--ca-file")
        if let attempts = file?.api?.maxAttempts {
            guard attempts >= 1 else { throw .configuration("api.maxAttempts must be at least 1") }
            api.retry.maxAttempts = attempts
        }
        if let budget = overrides.retryFor {
            api.retry.retryFor = try span(budget, "--retry-for")
        } else if let budget = try fromFile(file?.api?.retryFor, "api.retryFor", flag: "--retry-for") {
            api.retry.retryFor = try span(budget, "api.retryFor")
        }
        if let readAhead = file?.api?.readAhead { api.readAhead = readAhead }
        if let limit = file?.api?.maxResponseBytes { api.maxResponseBytes = limit }
        var fileFilters = file?.api?.filters ?? CustomerFilters()
        fileFilters.search = try fromFile(fileFilters.search, "api.filters.search", flag: "--search")
        api.filters = overrides.filters.replacing(in: fileFilters)
        try api.filters.validate(source: overrides.filters.source(of:))
        if let caFile = api.caFile, !FileManager.default.fileExists(atPath: caFile) {
            throw .configuration("the CA file \(caFile) does not exist; check --ca-file or api.caFile")
        }

        let database = file?.database
        let schema = try flagOrFile(overrides.targetSchema, database?.targetSchema, "database.targetSchema", flag: "--target-schema")
        let table = try flagOrFile(overrides.targetTable, database?.targetTable, "database.targetTable", flag: "--target-table")
        let target = try TargetTable(schema: schema ?? "public", table: table ?? "customers", history: overrides.history ?? database?.history ?? false)
        let stateName = try flagOrFile(overrides.stateSchema, database?.stateSchema, "database.stateSchema", flag: "--state-schema")
        let state = try StateSchema(stateName ?? "customer_export")
        let fileDatabaseURL = try flagOrFile(overrides.databaseURL, database?.url, "database.url", flag: "--database-url")
        let databaseURL = fileDatabaseURL ?? environment["DATABASE_URL"] ?? ""

        var request = RunRequest(pipeline: name, mode: mode, api: api, databaseURL: databaseURL, target: target, state: state)
        if let concurrency = overrides.concurrency ?? file?.concurrency { request.concurrency = concurrency }
        if let loaders = overrides.loaders ?? file?.loaders { request.loaders = loaders }
        if let rows = overrides.maxWindowRows ?? file?.maxWindowRows { request.maxWindowRows = rows }
        if let rows = overrides.windowRows ?? file?.windowRows { request.targetWindowRows = rows }
        if let attempts = file?.maxReadAttempts {
            guard attempts >= 1 else { throw .configuration("maxReadAttempts must be at least 1") }
            request.maxReadAttempts = attempts
        }
        if let bytes = file?.maxStringBytes { request.normalizer = CustomerNormalizer(maxStringBytes: bytes) }
        if let budget = overrides.retryFor {
            request.databaseRetryFor = try span(budget, "--retry-for")
        } else if let budget = try fromFile(database?.retryFor, "database.retryFor", flag: "--retry-for") {
            request.databaseRetryFor = try span(budget, "database.retryFor")
        }
        if let timeout = try fromFile(database?.lockTimeout, "database.lockTimeout", flag: nil) {
            request.lockTimeout = try span(timeout, "database.lockTimeout")
        }
        request.restart = overrides.restart
        request.waitForLock = overrides.wait
        request.planOnly = overrides.planOnly
        request.maxRequestsPerSecond = overrides.maxRequestsPerSecond
        request.globalMaxRequestsPerSecond = overrides.globalMaxRequestsPerSecond
        try applyRange(to: &request, mode: mode, file: file, overrides: overrides, fromFile: fromFile)
        try request.validate()
        return request
    }

    /// The range settings of `mode`: a flag wins, else the file's section; a malformed value is
    /// named by the flag or key it came from.
    private static func applyRange(
        to request: inout RunRequest, mode: RunMode, file: PipelineDefinition?, overrides: RunOverrides,
        fromFile: (String?, String, String?) throws(ExportError) -> String?
    ) throws(ExportError) {
        func pick(_ flag: String?, _ value: String?, _ key: String, _ flagName: String) throws(ExportError) -> (String, String)? {
            if let flag { return (flag, flagName) }
            guard let value = try fromFile(value, key, flagName) else { return nil }
            return (value, key)
        }
        switch mode {
        case .backfill, .reconcile:
            let section = file?.backfill
            if let (from, name) = try pick(overrides.from, section?.from, "backfill.from", "--from") { request.from = try instant(from, name) }
            if let (to, name) = try pick(overrides.to, section?.to, "backfill.to", "--to") {
                request.to = try instant(to, name)
                // A date alone ends the range before that day; a full timestamp includes its instant.
                if !Timestamp.isDateOnly(to), let end = request.to { request.to = end.adding(nanoseconds: 1_000) }
            }
            if let (window, name) = try pick(overrides.window, section?.window, "backfill.window", "--window") { request.windowSize = try span(window, name) }
            if let lag = overrides.lag { request.lag = try span(lag, "--lag") }
        case .incremental:
            let section = file?.incremental
            if let (start, name) = try pick(overrides.start, section?.start, "incremental.start", "--start") { request.start = try instant(start, name) }
            if let (lookback, name) = try pick(overrides.lookback, section?.lookback, "incremental.lookback", "--lookback") {
                request.lookback = try span(lookback, name)
            }
            if let (lag, name) = try pick(overrides.lag, section?.lag, "incremental.lag", "--lag") { request.lag = try span(lag, name) }
            if let (window, name) = try pick(overrides.window, section?.window, "incremental.window", "--window") { request.windowSize = try span(window, name) }
        }
    }

    /// The API token, checked as it is read: a header value cannot hold a line break, and a
    /// file with a second line (a mounted env file, a pasted DSN) must not reach the HTTP client,
    /// whose error would quote the whole value. Errors name where the token came from, never it.
    public static func token(_ api: PipelineDefinition.API?, _ overrides: RunOverrides, _ environment: [String: String]) throws(ExportError) -> String {
        if let path = overrides.tokenFile ?? api?.tokenFile {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .configuration("cannot read the token file \(path); check --token-file")
            }
            TokenCheck.warnIfShared(path)
            return try TokenCheck.validated(String(decoding: data, as: UTF8.self), source: "the token file \(path)", fix: "put only the token in it")
        }
        let variable = api?.tokenEnv ?? "CUSTOMERS_API_TOKEN"
        guard let value = environment[variable], !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .configuration("no API token: set \(variable) in the environment or pass --token-file FILE")
        }
        return try TokenCheck.validated(value, source: "the variable \(variable)", fix: "set it to the token alone")
    }

    static func instant(_ text: String, _ name: String) throws(ExportError) -> Timestamp {
        guard let value = Timestamp(dateOrTimestamp: text) else {
            throw .configuration("\(name) \"\(text)\" is not a date (YYYY-MM-DD) or an RFC 3339 timestamp (2024-01-01T00:00:00Z) between 1678 and 2261")
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
