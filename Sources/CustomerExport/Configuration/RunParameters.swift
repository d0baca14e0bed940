import Foundation
import LibPQ

/// Everything about a run except secrets, stored with it (`runs.params`), so that a worker
/// started elsewhere with only `--run ID` and a database URL reads it exactly as planned: the
/// API, where the token comes from (a variable's name or a file's path, never the token), the CA
/// bundle, the retry budgets, the target and the window settings. Fields added after the first
/// release are optional, so runs planned by an older version still load.
public struct RunParameters: Sendable, Codable, Equatable {
    public var pipeline: String
    public var mode: RunMode
    public var apiBaseURL: String
    public var apiPath: String
    public var authHeaderName: String
    public var authScheme: String
    public var envelope: ResponseEnvelope
    public var pageSize: Int
    public var arrayStyle: ArrayParameterStyle
    public var filters: CustomerFilters
    public var readAhead: Int
    /// Optional: runs stored by earlier versions have none, and take the default.
    public var maxResponseBytes: Int?
    public var requestTimeoutSeconds: Double
    public var maxAttempts: Int?
    public var retryForSeconds: Double?
    public var databaseRetryForSeconds: Double?
    public var lockTimeoutSeconds: Double?
    /// HMAC-SHA256, keyed by the token, over the settings that decide where the token goes
    /// (`CredentialSignature`); a worker trusts those settings only when it verifies.
    public var credentialMAC: String?
    public var caFile: String?
    public var tokenEnv: String?
    public var tokenFile: String?
    public var targetSchema: String
    public var targetTable: String
    public var history: Bool
    /// Nil: windows sized by rows (older runs always stored a size).
    public var windowSizeNanoseconds: Int64?
    public var maxWindowRows: Int
    public var maxReadAttempts: Int
    public var maxStringBytes: Int

    init(_ request: RunRequest) {
        pipeline = request.pipeline
        mode = request.mode
        apiBaseURL = request.api.baseURL
        apiPath = request.api.path
        authHeaderName = request.api.authHeaderName
        authScheme = request.api.authScheme
        envelope = request.api.envelope
        pageSize = request.api.pageSize
        arrayStyle = request.api.arrayStyle
        filters = request.api.filters
        readAhead = request.api.readAhead
        maxResponseBytes = request.api.maxResponseBytes
        requestTimeoutSeconds = request.api.requestTimeout.seconds
        maxAttempts = request.api.retry.maxAttempts
        retryForSeconds = request.api.retry.retryFor.seconds
        databaseRetryForSeconds = request.databaseRetryFor.seconds
        lockTimeoutSeconds = request.lockTimeout.seconds
        caFile = request.api.caFile
        tokenEnv = request.api.tokenEnv
        tokenFile = request.api.tokenFile
        targetSchema = request.target.schema
        targetTable = request.target.table
        history = request.target.history
        windowSizeNanoseconds = request.windowSize?.nanoseconds
        maxWindowRows = request.maxWindowRows
        maxReadAttempts = request.maxReadAttempts
        maxStringBytes = request.normalizer.maxStringBytes
        credentialMAC = CredentialSignature(self).mac(token: request.api.token)
    }

    /// The request a worker runs: these parameters, with what the worker's own flags set
    /// (`overrides`: API URL, token file, CA file, retry budget) taking precedence.
    func request(overrides: RunOverrides, environment: [String: String], databaseURL: String, state: StateSchema) throws(ExportError) -> RunRequest {
        var file = PipelineDefinition.API()
        file.tokenEnv = tokenEnv
        file.tokenFile = tokenFile
        var api = APIConfiguration(baseURL: overrides.apiURL ?? apiBaseURL, token: try RunRequestBuilder.token(file, overrides, environment))
        try checkCredentialSettings(token: api.token, overrides: overrides)
        api.tokenFile = overrides.tokenFile ?? tokenFile
        api.tokenEnv = api.tokenFile == nil ? (tokenEnv ?? "CUSTOMERS_API_TOKEN") : nil
        api.path = apiPath
        api.authHeaderName = authHeaderName
        api.authScheme = authScheme
        api.envelope = envelope
        api.pageSize = pageSize
        api.arrayStyle = arrayStyle
        api.filters = filters
        api.readAhead = readAhead
        if let maxResponseBytes { api.maxResponseBytes = maxResponseBytes }
        api.requestTimeout = TimeSpan(nanoseconds: Int64(requestTimeoutSeconds * 1e9))
        api.retry.maxAttempts = maxAttempts
        if let retryForSeconds { api.retry.retryFor = TimeSpan(nanoseconds: Int64(retryForSeconds * 1e9)) }
        api.caFile = overrides.caFile ?? caFile
        let target = try TargetTable(schema: targetSchema, table: targetTable, history: history)
        var request = RunRequest(pipeline: pipeline, mode: mode, api: api, databaseURL: databaseURL, target: target, state: state)
        request.windowSize = windowSizeNanoseconds.map(TimeSpan.init(nanoseconds:))
        request.maxWindowRows = maxWindowRows
        request.maxReadAttempts = maxReadAttempts
        request.normalizer = CustomerNormalizer(maxStringBytes: maxStringBytes)
        if let databaseRetryForSeconds { request.databaseRetryFor = TimeSpan(nanoseconds: Int64(databaseRetryForSeconds * 1e9)) }
        if let lockTimeoutSeconds { request.lockTimeout = TimeSpan(nanoseconds: Int64(lockTimeoutSeconds * 1e9)) }
        if let budget = overrides.retryFor {
            let span = try RunRequestBuilder.span(budget, "--retry-for")
            request.api.retry.retryFor = span
            request.databaseRetryFor = span
        }
        if let caFile = request.api.caFile, !FileManager.default.fileExists(atPath: caFile) {
            throw .configuration("the CA file \(caFile) does not exist; check --ca-file (or the file the run was planned with)")
        }
        return request
    }
}

extension RunParameters {
    /// Refuses stored settings that decide where the token goes unless they are signed with the
    /// token just read, or the worker's own flags replace them: whoever can write `runs.params`
    /// must not be able to send a worker's token to another host, or another secret as its token.
    func checkCredentialSettings(token: String, overrides: RunOverrides) throws(ExportError) {
        if let credentialMAC, CredentialSignature(self).verifies(credentialMAC, token: token) { return }
        var unvouched: [String] = []
        if overrides.apiURL == nil { unvouched.append("api.url (\(apiBaseURL))") }
        if overrides.tokenFile == nil { unvouched.append(tokenFile.map { "api.tokenFile (\($0))" } ?? "api.tokenEnv (\(tokenEnv ?? "CUSTOMERS_API_TOKEN"))") }
        if overrides.caFile == nil, let caFile { unvouched.append("api.caFile (\(caFile))") }
        guard !unvouched.isEmpty else { return }
        let why = credentialMAC == nil ? "carry no signature (planned by an earlier version)" : "are not signed with the token this worker read"
        throw .configuration(
            "the run's stored \(unvouched.joined(separator: ", ")) \(why), so they may have been written by someone else than the planner; pass the worker's own --api-url and --token-file (and --ca-file), or plan the run again")
    }

    /// The parameters stored with a run, or nil for runs planned before they were kept.
    static func stored(in store: StateStore, runId: Int64) throws(PostgresError) -> RunParameters? {
        guard let json = try store.parametersJSON(runId: runId) else { return nil }
        return try? JSONDecoder().decode(RunParameters.self, from: Data(json.utf8))
    }
}
