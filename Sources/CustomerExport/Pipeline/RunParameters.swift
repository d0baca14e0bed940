/// Everything about a run except secrets, stored with it (`runs.params`), so that a worker
/// started elsewhere with only `--run ID`, a token and a database URL reads it exactly as planned.
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
    public var requestTimeoutSeconds: Double
    public var maxAttempts: Int
    public var targetSchema: String
    public var targetTable: String
    public var history: Bool
    public var windowSizeNanoseconds: Int64
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
        requestTimeoutSeconds = request.api.requestTimeout.seconds
        maxAttempts = request.api.retry.maxAttempts
        targetSchema = request.target.schema
        targetTable = request.target.table
        history = request.target.history
        windowSizeNanoseconds = request.windowSize.nanoseconds
        maxWindowRows = request.maxWindowRows
        maxReadAttempts = request.maxReadAttempts
        maxStringBytes = request.normalizer.maxStringBytes
    }

    /// The request a worker runs: these parameters plus what the worker's own flags supply.
    func request(token: String, databaseURL: String, state: StateSchema, apiURL: String?, concurrency: Int) throws(ExportError) -> RunRequest {
        var api = APIConfiguration(baseURL: apiURL ?? apiBaseURL, token: token)
        api.path = apiPath
        api.authHeaderName = authHeaderName
        api.authScheme = authScheme
        api.envelope = envelope
        api.pageSize = pageSize
        api.arrayStyle = arrayStyle
        api.filters = filters
        api.readAhead = readAhead
        api.requestTimeout = TimeSpan(nanoseconds: Int64(requestTimeoutSeconds * 1e9))
        api.retry.maxAttempts = maxAttempts
        let target = try TargetTable(schema: targetSchema, table: targetTable, history: history)
        var request = RunRequest(pipeline: pipeline, mode: mode, api: api, databaseURL: databaseURL, target: target, state: state)
        request.windowSize = TimeSpan(nanoseconds: windowSizeNanoseconds)
        request.maxWindowRows = maxWindowRows
        request.maxReadAttempts = maxReadAttempts
        request.normalizer = CustomerNormalizer(maxStringBytes: maxStringBytes)
        request.concurrency = concurrency
        return request
    }
}
