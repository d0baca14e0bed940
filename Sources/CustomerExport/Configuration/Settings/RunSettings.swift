import CustomerExportCommon

/// Every setting of a run, declared once, in the order the reference lists them.
///
/// The pipeline file is checked against these keys, flags overlay them, `runs.params` stores
/// the ones marked `stored`, and `--help` and `docs/configuration.md` take their help lines from
/// here (`ConfigurationDocsTests` compares them). Defaults live on the request's types
/// (`RunRequest`, `APIConfiguration`), which the stages read.
package enum RunSettings {
    package static var all: [Setting] { run + api + filters + database + range + tuning }

    package static let backfills: Set<RunMode> = [.backfill, .reconcile]
    package static let incrementals: Set<RunMode> = [.incremental]

    package static var run: [Setting] {
        [
            Setting("pipeline", \.pipeline, .text, stored: "pipeline", help: "The pipeline's name: its runs, watermark and status are kept under it."),
            Setting("mode", \.mode, .choice, stored: "mode", help: "backfill (a fixed createdAt range), incremental (updatedAt from the watermark) or reconcile."),
        ]
    }

    package static var api: [Setting] {
        [
            Setting("api.url", flag: "--api-url", \.api.baseURL, .text, stored: "apiBaseURL", environment: "CUSTOMERS_API_URL",
                    help: "Base URL of the Customers API, e.g. http://127.0.0.1:8080 (the endpoint's full URL works too)."),
            Setting("api.path", \.api.path, .text, stored: "apiPath", help: "The endpoint's path."),
            Setting("api.tokenEnv", \.api.tokenEnv, SettingCodec<String>.text.optional, stored: "tokenEnv",
                    help: "The environment variable holding the API token."),
            Setting("api.tokenFile", flag: "--token-file", \.api.tokenFile, SettingCodec<String>.text.optional, stored: "tokenFile",
                    help: "Read the API token from this file instead of a variable (only the token in it)."),
            Setting("api.authHeader", \.api.authHeaderName, .text, stored: "authHeaderName", help: "The header the token is sent in."),
            Setting("api.authScheme", \.api.authScheme, .text, stored: "authScheme", help: "Prefix of the header's value; empty sends the bare token."),
            Setting("api.userAgent", \.api.userAgent, .text, stored: "userAgent",
                    help: "The User-Agent header of every request, so the API's operators can tell this exporter's traffic apart."),
            Setting("api.envelope", \.api.envelope, .choice, stored: "envelope", help: "The response's shape: data-meta ({data, meta.total}) or array."),
            Setting("api.pageSize", flag: "--page-size", \.api.pageLimit, .count(atLeast: 1, hint: "use the server's maximum"), stored: "pageSize",
                    help: "Records per request, at most the server's maximum."),
            Setting("api.arrayStyle", \.api.arrayStyle, .choice, stored: "arrayStyle", help: "How list filters are sent: repeated (types=a&types=b) or comma-separated."),
            Setting("api.timeout", \.api.requestTimeout, .span(atLeast: .seconds(1)), stored: "requestTimeoutSeconds",
                    help: "How long one request may take."),
            Setting("api.connectTimeout", \.api.connectTimeout, .span(atLeast: .seconds(1)), stored: "connectTimeoutSeconds",
                    help: "How long opening a connection may take."),
            Setting("api.caFile", flag: "--ca-file", \.api.caFile, SettingCodec<String>.text.optional, stored: "caFile",
                    help: "PEM bundle of CA certificates for an API behind a private CA."),
            Setting("api.retryFor", flag: "--retry-for", \.api.retry.retryFor, .span(atLeast: .seconds(1), hint: "use e.g. 10m or 1h"), stored: "retryForSeconds",
                    help: "How long to wait out an outage before failing (--retry-for sets it for the API and PostgreSQL)."),
            Setting("api.maxAttempts", \.api.retry.maxAttempts, SettingCodec<Int>.count(atLeast: 1, hint: "or leave it out").optional, stored: "maxAttempts",
                    help: "An optional cap on attempts per request, on top of retryFor."),
            Setting("api.readAhead", \.reading.readAhead, .count(atLeast: 1), stored: "readAhead",
                    help: "Pages requested ahead in parallel when the envelope gives no total."),
            Setting("api.maxResponseBytes", \.api.maxResponseBytes, .count(atLeast: 65_536), stored: "maxResponseBytes",
                    help: "The largest response body read; a larger page is read again in halves, a larger record quarantined."),
        ]
    }

    /// The endpoint's filters: each flag given replaces the file's value for that filter.
    package static var filters: [Setting] {
        [
            Setting("api.filters.types", flag: "--type", \.api.filters.types, .customerTypes, stored: "filters.types",
                    help: "Only customers of these types (a list; the flag is repeatable: --type business --type fleet)."),
            Setting("api.filters.customerIds", flag: "--customer-id", \.api.filters.customerIds, .customerIds, stored: "filters.customerIds",
                    help: "Only these customer ids (a list; the flag is repeatable)."),
            Setting("api.filters.parentId", flag: "--parent-id", \.api.filters.parentId, SettingCodec<Int64>.customerId.optional, stored: "filters.parentId",
                    help: "Only direct children of this customer."),
            Setting("api.filters.ownerId", flag: "--owner-id", \.api.filters.ownerId, SettingCodec<Int64>.customerId.optional, stored: "filters.ownerId",
                    help: "Only descendants (any depth) of this customer."),
            Setting("api.filters.operatorId", flag: "--operator-id", \.api.filters.operatorId, SettingCodec<Int64>.customerId.optional, stored: "filters.operatorId",
                    help: "Only customers under this operator (CPO); the token must be allowed to use it."),
            Setting("api.filters.search", flag: "--search", \.api.filters.search, SettingCodec<String>.searchText.optional, stored: "filters.search",
                    help: "Only customers whose name, id or external id contains this text (case-insensitive)."),
        ]
    }

    package static var database: [Setting] {
        [
            Setting("database.url", flag: "--database-url", \.databaseURL, .text, environment: "DATABASE_URL",
                    help: "PostgreSQL connection string (URI or key=value); else libpq's PG* variables."),
            Setting("database.targetSchema", flag: "--target-schema", .text, stored: "targetSchema", help: "The target table's schema.",
                    get: { $0.target.schema }, set: { request, schema throws(ExportError) in
                        request.target = try TargetTable(schema: schema, table: request.target.table, history: request.target.history)
                    }),
            Setting("database.targetTable", flag: "--target-table", .text, stored: "targetTable", help: "The target table.",
                    get: { $0.target.table }, set: { request, table throws(ExportError) in
                        request.target = try TargetTable(schema: request.target.schema, table: table, history: request.target.history)
                    }),
            Setting("database.stateSchema", flag: "--state-schema", .text, help: "Schema of the state tables: runs, windows, quarantine, watermarks.",
                    get: { $0.state.name }, set: { request, name throws(ExportError) in request.state = try StateSchema(name) }),
            Setting("database.history", flag: "--history", \.target.history, .bool, stored: "history",
                    help: "Keep every version of each customer in <table>_history (SCD type 2)."),
            Setting("database.retryFor", flag: "--retry-for", \.databaseRetryFor, .span(atLeast: .seconds(1), hint: "use e.g. 10m or 1h"),
                    stored: "databaseRetryForSeconds", help: "How long a lost database connection is reopened before the run ends."),
            Setting("database.lockTimeout", \.lockTimeout, .span(atLeast: TimeSpan(nanoseconds: 1_000_000)),
                    stored: "lockTimeoutSeconds", help: "How long one statement waits for another session's lock before it is tried again."),
        ]
    }

    /// The range: `backfill.*` for backfills and reconciles, `incremental.*` for nightly runs.
    package static var range: [Setting] {
        let window = SettingCodec<TimeSpan>.span(atLeast: TimeSpan(nanoseconds: 1), storedIn: .nanoseconds, hint: "use e.g. 1h or 1d").optional
        let windowHelp = "Windows by the calendar (90s, 15m, 1h, 1d) instead of by rows."
        return [
            Setting("backfill.from", flag: "--from", \.from, SettingCodec<Timestamp>.instant().optional, modes: backfills, help: "Start of the range (inclusive): 2024-01-01 or 2024-01-01T00:00:00Z."),
            Setting("backfill.to", flag: "--to", \.to, SettingCodec<Timestamp>.instant(endOfRange: true).optional, modes: backfills,
                    help: "End of the range: a date alone ends before that day; a full timestamp includes its instant."),
            Setting("backfill.window", flag: "--window", \.windowSize, window, stored: "windowSizeNanoseconds", modes: backfills, help: windowHelp),
            Setting("incremental.start", flag: "--start", \.start, SettingCodec<Timestamp>.instant().optional, modes: incrementals, help: "Where the first run starts when no watermark exists."),
            Setting("incremental.lookback", flag: "--lookback", \.lookback, .span(atLeast: TimeSpan(nanoseconds: 0)), modes: incrementals,
                    help: "Read again this much before the watermark, for late writes."),
            Setting("incremental.lag", flag: "--lag", \.lag, .span(atLeast: TimeSpan(nanoseconds: 0)),
                    help: "End the range this long before now, so no window is read while records can still enter it (backfills too)."),
            Setting("incremental.window", flag: "--window", \.windowSize, window, stored: "windowSizeNanoseconds", modes: incrementals, help: windowHelp),
        ]
    }

    package static var tuning: [Setting] {
        [
            Setting("concurrency", flag: "--concurrency", \.concurrency, .count(atLeast: 1), help: "Requests in flight at once, across all windows."),
            Setting("loaders", flag: "--loaders", \.loaders, .count(atLeast: 1),
                    help: "Loader threads, each with its own database connection, so one merges a finished window while another copies pages."),
            Setting("windowRows", flag: "--window-rows", \.targetWindowRows, .count(atLeast: 1),
                    help: "Size windows to about this many records each, from the API's counts."),
            Setting("maxWindowRows", flag: "--max-window-rows", \.reading.maxWindowRows, .count(atLeast: 1), stored: "maxWindowRows",
                    help: "Split a window whose API total exceeds this many rows."),
            Setting("maxReadAttempts", \.reading.maxReadAttempts, .count(atLeast: 1), stored: "maxReadAttempts",
                    help: "How many times a window whose pages disagree is read again before it fails."),
            Setting("maxStringBytes", \.normalizer.maxStringBytes, .count(atLeast: 1), stored: "maxStringBytes",
                    help: "The longest string a record may hold; a longer one quarantines the record."),
            Setting(nil, flag: "--max-rps", \.maxRequestsPerSecond, SettingCodec<Double>.rate.optional, help: "At most this many requests per second from this process."),
            Setting(nil, flag: "--global-max-rps", \.globalMaxRequestsPerSecond, SettingCodec<Double>.rate.optional,
                    help: "At most this many requests per second from all workers of the run together, divided among the workers holding windows."),
            Setting(nil, flag: "--lease", \.lease, .span(atLeast: .seconds(1)), help: "How long a claimed window stays this worker's without renewal."),
            Setting(nil, flag: "--restart", \.restart, .bool, help: "Read the range again even if an identical earlier run finished it."),
            Setting(nil, flag: "--wait", \.waitForLock, .bool, help: "If another run of this pipeline is active, wait for it instead of failing."),
            Setting(nil, flag: "--plan-only", \.planOnly, .bool,
                    help: "Record the run and its windows for `customer-export worker --run ID` processes, fetch nothing, and print the run id as the last line."),
        ]
    }
}
