import LibPQ
import CustomerExportCommon
import CustomerExportExtract
import CustomerExportNormalize

/// One command's worth of work: which range, into which table, through which API, how hard.
/// The CLI and pipeline files both produce this value; the pipeline consumes it.
package struct RunRequest: Sendable {
    package var pipeline: String
    package var mode: RunMode
    /// For backfills: the range `[from, to)`. For incremental runs: computed from the watermark.
    package var from: Timestamp?
    package var to: Timestamp?
    /// Incremental runs: where a first run starts when no watermark exists yet.
    package var start: Timestamp?
    package var lookback: TimeSpan = .hours(1)
    /// How far behind now a range ends, so a window is never read while records can still enter it.
    package var lag: TimeSpan = .minutes(1)
    /// Windows by the calendar (`--window`); nil, the default, sizes windows by rows.
    package var windowSize: TimeSpan?
    /// About how many records a window holds when windows are sized by rows (`RowSizedPlanner`):
    /// large enough to amortise a window's first page, closing count and transaction, small
    /// enough that a resume loses little and a merge stays short.
    package var targetWindowRows: Int = 20_000
    package var api: APIConfiguration
    /// How windows are read: the row limit that splits them, re-reads, read-ahead.
    package var reading = WindowReadSettings()
    package var databaseURL: String
    package var target: TargetTable
    package var state: StateSchema
    /// Requests in flight at once, across all windows.
    package var concurrency: Int = 8
    /// Loader threads, each with its own database connection: while one merges a finished
    /// window, another keeps copying pages, so fetching never waits for a merge.
    package var loaders: Int = 4
    /// How long a lost database connection is retried before the run ends (`database.retryFor`,
    /// `--retry-for`); the API's budget is `api.retry.retryFor`.
    package var databaseRetryFor: TimeSpan = .minutes(10)
    /// The longest one statement waits for another session's lock before it is tried again
    /// (`database.lockTimeout`); the tries go on for `databaseRetryFor`.
    package var lockTimeout: TimeSpan = .seconds(10)
    /// Read the range again even if an earlier identical run finished it.
    package var restart = false
    /// Wait for another active run of this pipeline instead of failing.
    package var waitForLock = false
    /// Record the run and its windows for workers, read nothing.
    package var planOnly = false
    /// How long a claimed window stays this process's without renewal (workers; 30s).
    package var lease: TimeSpan = .seconds(30)
    /// Requests per second this process may send, and the rate all workers of a run share.
    package var maxRequestsPerSecond: Double?
    package var globalMaxRequestsPerSecond: Double?
    package var normalizer = CustomerNormalizer()

    package init(pipeline: String, mode: RunMode, api: APIConfiguration, databaseURL: String, target: TargetTable, state: StateSchema) {
        self.pipeline = pipeline
        self.mode = mode
        self.api = api
        self.databaseURL = databaseURL
        self.target = target
        self.state = state
    }

    package var field: WindowField { mode == .incremental ? .updatedAt : .createdAt }

    /// What makes two runs "the same run": the pipeline, target, mode, filters and where the
    /// range starts, plus the end the user asked for, never the end "now" resolved it to. So a
    /// run that did not finish is found again by the next invocation whatever time it is, and
    /// continued (its range extended to the new `now − lag`) instead of started over.
    /// `rangeFrom` is the resolved start: `--from` for a backfill, the watermark minus the
    /// look-back (or `start`) for an incremental run, which does not move until the run is done.
    package func identity(rangeFrom: Timestamp) -> String {
        let end = mode == .incremental ? "now" : (to?.rfc3339 ?? "now")
        var parts = [mode.rawValue, pipeline, target.displayName, field.rawValue, rangeFrom.rfc3339, end, api.endpoint]
        let filters = api.filters
        if !filters.isEmpty {
            parts.append("types=\(filters.types.joined(separator: ","));ids=\(filters.customerIds.map(String.init).joined(separator: ","))")
            parts.append("parent=\(filters.parentId.map(String.init) ?? "");owner=\(filters.ownerId.map(String.init) ?? "");operator=\(filters.operatorId.map(String.init) ?? "");search=\(filters.search ?? "")")
        }
        return parts.joined(separator: "|")
    }

    /// The checks between settings (each value alone was checked by its declaration in
    /// `RunSettings`), with the sentence a user needs to fix each.
    package func validate() throws(ExportError) {
        try reading.validate(pageLimit: api.pageLimit)
        guard !api.token.isEmpty else {
            throw .configuration("no API token: set CUSTOMERS_API_TOKEN or pass --token-file FILE")
        }
        guard api.baseURL.hasPrefix("http://") || api.baseURL.hasPrefix("https://") else {
            throw .configuration("--api-url must start with http:// or https:// (got \"\(api.baseURL)\")")
        }
        if mode == .reconcile, !api.filters.isEmpty {
            throw .configuration("reconcile cannot run with filters (\(api.filters.summary)): rows outside the filter would look deleted; drop the filter flags or run it from a pipeline without api.filters")
        }
        if mode != .incremental {
            guard let from, let to else { throw .configuration("a \(mode.rawValue) needs --from and --to, e.g. --from 2024-01-01 --to 2025-01-01") }
            guard from < to else { throw .configuration("--from (\(from)) must be before --to (\(to))") }
        }
    }
}
