import Dispatch
import Foundation
import LibPQ
import Logging
import Synchronization

/// Composes the stages into a run: plan windows → extract pages (parallel, bounded) → normalize →
/// dedupe → load (COPY + merge + checkpoint), and assembles the run report from what each stage
/// returns.
///
/// Order of effects, so that bad input writes nothing: validate the request, connect to
/// PostgreSQL, check the API answers (one `limit=1` request), and only then migrate, take the
/// pipeline's lock and record the run.
public struct ExportPipeline: Sendable {
    public let request: RunRequest
    public let cancellation: CancellationToken
    public let logger: Logger
    /// Called after each window commits (progress lines, metrics).
    public var onWindowCommitted: (@Sendable (TimeWindow, WindowReadSummary, WindowLoadResult) -> Void)?
    /// Called once the plan is known, with the number of windows to read.
    public var onPlanned: (@Sendable (Int) -> Void)?
    /// The HTTP seam; nil builds the AsyncHTTPClient transport from the request's settings.
    /// Tests wrap it to inject faults or to change the data between two requests.
    public var transport: (any HTTPTransport)?
    /// Request counters of this pipeline's runs, readable while it runs (progress line).
    public let requestStats = RequestStats()

    public init(request: RunRequest, cancellation: CancellationToken, logger: Logger) {
        self.request = request
        self.cancellation = cancellation
        self.logger = logger
    }

    public func run() throws(ExportError) -> RunReport {
        try request.validate()
        let started = Timestamp.now()
        let control = try DatabaseSession.connect(request.databaseURL)
        defer { control.close() }
        let stats = requestStats
        let transport: any HTTPTransport
        if let injected = self.transport {
            transport = injected
        } else {
            transport = try makeTransport()
        }
        defer { transport.shutdown() }
        let client = CustomersAPIClient(
            configuration: request.api, transport: transport, stats: stats, cancellation: cancellation, rateLimiter: makeRateLimiter())
        let range = try RangeResolver(request: request, now: started).resolve(control)
        try preflight(client, range)
        do {
            try SchemaMigrator(target: request.target, state: request.state).migrate(control)
        } catch {
            throw DatabaseSession.describe(error, connectionString: request.databaseURL)
        }
        // Planning for workers takes no lock: the workers share the run through their claims.
        let lockKey = DatabaseSession.lockKey(state: request.state, target: request.target, pipeline: request.pipeline)
        if !request.planOnly { try acquireLock(control, key: lockKey) }
        defer { if !request.planOnly { DatabaseSession.releaseLock(control, key: lockKey) } }

        var report = RunReport(pipeline: request.pipeline, mode: request.mode, field: request.field, from: range.from, to: range.to)
        let store = StateStore(schema: request.state, connection: control)
        let run: RunRecord
        let windows: [TimeWindow]
        do {
            (run, windows) = try RunRegistry(request: request, store: store).open(range: range)
            report.runId = run.id
            report.windows.planned = try store.windowCounts(runId: run.id).total
        } catch {
            throw DatabaseSession.describe(error, connectionString: request.databaseURL)
        }
        if request.planOnly {
            report.status = RunStatus.planned.rawValue
            report.windows.pending = windows.count
            return report
        }
        onPlanned?(windows.count)
        logger.info("run started", metadata: [
            "run": "\(run.id)", "windows": "\(windows.count)", "range": "\(range.from) – \(range.to)",
        ])

        let outcome = execute(run: run, range: range, client: client, control: control)
        report.add(stats.snapshot)
        for summary in outcome.reads { report.add(summary) }
        report.add(outcome.load)
        return try finish(report: &report, run: run, store: store, outcome: outcome, started: started)
    }

    /// A token bucket when a request rate is set: the per-process one, or (until the lease
    /// keeper knows how many workers share it) the whole global rate.
    func makeRateLimiter() -> RateLimiter? {
        let rates = [request.maxRequestsPerSecond, request.globalMaxRequestsPerSecond].compactMap { $0 }
        return rates.min().map { RateLimiter(requestsPerSecond: $0) }
    }

    func makeTransport() throws(ExportError) -> any HTTPTransport {
        do {
            return try AsyncHTTPClientTransport(
                maxConnections: request.concurrency, connectTimeout: request.api.connectTimeout, caFile: request.api.caFile)
        } catch {
            throw .configuration("cannot set up HTTPS with the CA file \(request.api.caFile ?? "-"): \(error); check --ca-file")
        }
    }

    /// One cheap request before anything is written: a wrong token or an unreachable API fails
    /// here with a clear message instead of after a half-recorded run.
    private func preflight(_ client: CustomersAPIClient, _ range: ResolvedRange) throws(ExportError) {
        guard range.from < range.to else { return }
        let probe = PageRequest(window: TimeWindow(field: request.field, from: range.from, to: range.to), offset: 0, limit: 1)
        do {
            _ = try client.fetch(probe)
        } catch {
            throw Self.describe(error, api: request.api)
        }
    }

    static func describe(_ error: ExtractError, api: APIConfiguration) -> ExportError {
        switch error {
        case let .rejected(status, message, request):
            let advice: String
            switch status {
            case 401, 403: advice = "check CUSTOMERS_API_TOKEN (or --token-file) and the filters this token may use"
            case 404: advice = "check --api-url and the pipeline's api.path"
            default: advice = "check the pipeline's filters and --page-size against the API's limits"
            }
            return .apiRejected("the API rejected GET \(request) with \(status): \(message); \(advice)")
        case let .exhausted(attempts, problem, _):
            return .incomplete("cannot get an answer from the API at \(api.endpoint) after \(attempts) attempts (last: \(problem)); check --api-url and that the API is up")
        case .cancelled:
            return .interrupted("interrupted before the run started; nothing was written")
        }
    }

    private func acquireLock(_ control: PostgresConnection, key: String) throws(ExportError) {
        let acquired: Bool
        do {
            acquired = try DatabaseSession.acquireLock(control, key: key, wait: request.waitForLock)
        } catch {
            throw DatabaseSession.describe(error, connectionString: request.databaseURL)
        }
        guard acquired else {
            let store = StateStore(schema: request.state, connection: control)
            let active = (try? store.recentRuns(limit: 20))?.first { $0.pipeline == request.pipeline && $0.status == .running }
            let which = active.map { "run \($0.id) (\($0.mode.rawValue) \($0.rangeFrom) – \($0.rangeTo))" } ?? "another run"
            throw .locked("\(which) of pipeline \"\(request.pipeline)\" into \(request.target.displayName) is still active; wait for it to finish, or pass --wait to queue behind it")
        }
    }
}
