import Dispatch
import Foundation
import LibPQ
import Logging
import Synchronization
import CustomerExportCommon
import CustomerExportExtract
import CustomerExportLoad
import CustomerExportState
import CustomerExportConfiguration
import CustomerExportReporting

/// Composes the stages into a run: plan windows → extract pages (parallel, bounded) → normalize →
/// dedupe → load (COPY + merge + checkpoint), and assembles the run report from what each stage
/// returns.
///
/// Order of effects, so that bad input writes nothing: validate the request, connect to
/// PostgreSQL, check the API answers (one `limit=1` request), and only then migrate, take the
/// pipeline's lock and record the run. Once connected, the run rides out outages: the API's
/// circuit pauses every request while it is down, lost database connections are reopened, and
/// windows that still failed are read once more before the run reports failure.
package struct ExportPipeline: Sendable {
    package let request: RunRequest
    package let cancellation: CancellationToken
    package let logger: Logger
    /// Called after each window commits (progress lines, metrics).
    package var onWindowCommitted: (@Sendable (TimeWindow, WindowReadSummary, ExportCounts) -> Void)?
    /// Called once the plan is known, with the number of windows to read.
    package var onPlanned: (@Sendable (Int) -> Void)?
    /// The HTTP seam; nil builds the AsyncHTTPClient transport from the request's settings.
    /// Tests wrap it to inject faults or to change the data between two requests.
    package var transport: (any HTTPTransport)?
    /// Request counters of this pipeline's runs, readable while it runs (progress line).
    package let requestStats = RequestStats()
    /// Which side (API, PostgreSQL) is down and for how long: the progress line and the report.
    package let health = ServiceHealth()
    /// What the run learns of how its API bends the contract (the page size it really serves,
    /// meta values that cannot be true, filters it ignores): shared by every window and pass,
    /// named in the report.
    package let sourceEvidence: SourceEvidence

    package init(request: RunRequest, cancellation: CancellationToken, logger: Logger) {
        self.request = request
        self.cancellation = cancellation
        self.logger = logger
        sourceEvidence = SourceEvidence(pageLimit: request.api.pageLimit, field: request.field)
    }

    package func run() throws(ExportError) -> RunReport {
        try request.validate()
        let started = Timestamp.now()
        let control = ControlConnection(
            connection: try DatabaseSession.connect(request.databaseURL), state: request.state, databaseURL: request.databaseURL)
        defer { control.close() }
        control.reconnector = makeReconnector()
        let transport: any HTTPTransport
        if let injected = self.transport { transport = injected } else { transport = try makeTransport() }
        defer { transport.shutdown() }
        let client = makeClient(transport)
        let range = try RangeResolver(request: request, now: started).resolve(control.connection)
        try TargetShape(target: request.target).verify(control.connection)
        try preflight(client, range)
        try migrate(control)
        // One writer per pipeline. Planning for workers takes only a short planning lock, so
        // that pods planning the same run at once find one run, not two.
        let lockKey = DatabaseSession.lockKey(state: request.state, target: request.target, pipeline: request.pipeline)
        let heldKey = request.planOnly ? lockKey + ":plan" : lockKey
        try acquireLock(control, key: heldKey, wait: request.planOnly || request.waitForLock)
        control.lockKey = request.planOnly ? nil : lockKey
        defer { DatabaseSession.releaseLock(control.connection, key: heldKey) }

        let sizing = WindowSizing(request: request, client: client, logger: logger)
        let opened = try control.perform { store throws(PostgresError) in
            try RunRegistry(request: request, store: store) { from, to in
                let plan = sizing.plan(from: from, to: to)
                logger.info("windows planned", metadata: ["windows": "\(plan.windows.count)", "how": "\(plan.reason)"])
                return plan.windows
            }.open(range: range)
        }
        var report = RunReport(pipeline: request.pipeline, mode: request.mode, field: request.field, from: opened.range.from, to: opened.range.to)
        report.runId = opened.run.id
        report.windows.planned = try control.perform { store throws(PostgresError) in try store.windowCounts(runId: opened.run.id).total }
        if request.planOnly {
            report.status = RunStatus.planned.rawValue
            report.windows.pending = opened.windows.count
            return report
        }
        onPlanned?(opened.windows.count)
        logger.info("run started", metadata: startMetadata(opened))
        let outcome = executeWithFinalPass(run: opened.run, range: opened.range, client: client, control: control)
        let requests = requestStats.snapshot
        logger.info("requests", metadata: [
            "total": "\(requests.requests)", "by_status": "\(RunReport.counts(requests.byOutcome))", "retries": "\(RunReport.counts(requests.retries))",
        ])
        report.add(requestStats.snapshot)
        report.add(outcome.counts)
        return finish(report: &report, run: opened.run, control: control, outcome: outcome, started: started)
    }

    /// What a run is about to do, for its first log event: everything but secrets.
    private func startMetadata(_ opened: RunRegistry.Opened) -> Logger.Metadata {
        [
            "run": "\(opened.run.id)", "pipeline": "\(request.pipeline)", "mode": "\(request.mode.rawValue)",
            "range": "\(opened.range.from) – \(opened.range.to)", "windows": "\(opened.windows.count)",
            "api": "\(request.api.endpoint)", "filters": "\(request.api.filters.summary)", "page_size": "\(request.api.pageLimit)",
            "window": "\(request.windowSize.map { "\($0) (calendar)" } ?? "about \(request.targetWindowRows) rows")", "concurrency": "\(request.concurrency)", "loaders": "\(request.loaders)",
            "retry_for": "api \(request.api.retry.retryFor), database \(request.databaseRetryFor)",
            "target": "\(request.target.displayName)", "state": "\(request.state.name)",
            "database": "\(request.databaseURL.isEmpty ? "PG* variables" : ConnectionString.redacted(request.databaseURL))",
        ]
    }

    /// Reopens lost connections for every part of this run, within `--retry-for`.
    /// Creates or upgrades the tables; its DDL waits for readers' locks in short tries
    /// (`LockWaits`), so the readers that come later never queue behind it for long.
    package func migrate(_ control: ControlConnection) throws(ExportError) {
        let waits = LockWaits(
            lockTimeout: TimeSpan(nanoseconds: min(request.lockTimeout.nanoseconds, 3_000_000_000)), retryFor: request.databaseRetryFor,
            what: "a lock to add columns to \(request.target.displayName)", cancellation: cancellation, health: health, logger: logger)
        try control.perform { store throws(PostgresError) in
            try waits.retrying { () throws(PostgresError) in
                try SchemaMigrator(target: request.target, state: request.state).migrate(store.connection, lockTimeout: waits.lockTimeout)
            }
        }
    }

    package func makeReconnector() -> DatabaseReconnector {
        DatabaseReconnector(
            connectionString: request.databaseURL, retryFor: request.databaseRetryFor, health: health, logger: logger, cancellation: cancellation)
    }

    package func makeClient(_ transport: any HTTPTransport) -> CustomersAPIClient {
        CustomersAPIClient(
            configuration: request.api, transport: transport, stats: requestStats, cancellation: cancellation, rateLimiter: makeRateLimiter(),
            circuit: APICircuit(policy: request.api.retry, health: health, logger: logger))
    }

    /// A token bucket when a request rate is set: the per-process one, or (until the lease
    /// keeper knows how many workers share it) the whole global rate.
    package func makeRateLimiter() -> RateLimiter? {
        let rates = [request.maxRequestsPerSecond, request.globalMaxRequestsPerSecond].compactMap { $0 }
        return rates.min().map { RateLimiter(requestsPerSecond: $0) }
    }

    package func makeTransport() throws(ExportError) -> any HTTPTransport {
        try Self.makeTransport(for: request.api, maxConnections: request.concurrency)
    }

    /// The HTTP transport for `api`: its timeouts, CA bundle and body limit; the one place a CA
    /// file that cannot be read becomes a sentence.
    package static func makeTransport(for api: APIConfiguration, maxConnections: Int) throws(ExportError) -> any HTTPTransport {
        do {
            return try AsyncHTTPClientTransport(
                maxConnections: maxConnections, connectTimeout: api.connectTimeout, caFile: api.caFile, maxBodyBytes: api.maxResponseBytes)
        } catch {
            throw .configuration("cannot set up HTTPS with the CA file \(api.caFile ?? "-"): \(error); check --ca-file")
        }
    }

    /// One request before anything is written, with the page size the run will use: a wrong
    /// token, a filter the token may not use, a page size over the server's maximum or an
    /// unreachable API fails here with a clear message instead of after a half-recorded run.
    package func preflight(_ client: CustomersAPIClient, _ range: ResolvedRange) throws(ExportError) {
        guard range.from < range.to else { return }
        let probe = PageRequest(window: TimeWindow(field: request.field, from: range.from, to: range.to), offset: 0, limit: request.api.pageLimit)
        do {
            _ = try client.fetch(probe)
        } catch .bodyTooLarge {
            return  // the API answered; the window holding that page reads it in smaller pages
        } catch {
            throw Self.describe(error, api: request.api)
        }
    }

    package static func describe(_ error: ExtractError, api: APIConfiguration) -> ExportError {
        switch error {
        case let .rejected(status, message, request):
            return APIRejection(status: status, message: message, request: request, api: api).error
        case let .exhausted(attempts, problem, _):
            return .incomplete("cannot get an answer from the API at \(api.endpoint) after \(attempts) attempts (last: \(problem)); check --api-url and that the API is up")
        case .bodyTooLarge:
            return .incomplete("the API at \(api.endpoint) answers one record in more than api.maxResponseBytes: \(error)")
        case .inconsistent:
            return .incomplete("the API at \(api.endpoint) cannot be paged: \(error)")
        case .cancelled:
            return .interrupted("interrupted before the run started; nothing was written")
        }
    }

    private func acquireLock(_ control: ControlConnection, key: String, wait: Bool) throws(ExportError) {
        let acquired = try control.perform { store throws(PostgresError) in
            try DatabaseSession.acquireLock(store.connection, key: key, wait: wait)
        }
        guard acquired else {
            let active = (try? control.store.recentRuns(limit: 20))?.first { $0.pipeline == request.pipeline && $0.status == .running }
            let which = active.map { "run \($0.id) (\($0.mode.rawValue) \($0.rangeFrom) – \($0.rangeTo))" } ?? "another run"
            throw .locked("\(which) of pipeline \"\(request.pipeline)\" into \(request.target.displayName) is still active; wait for it to finish, or pass --wait to queue behind it")
        }
    }
}
