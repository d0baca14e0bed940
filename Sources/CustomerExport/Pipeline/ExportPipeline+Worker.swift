import LibPQ

extension ExportPipeline {
    /// Loads a planned run's parameters and builds the request a worker runs with.
    public static func workerRequest(
        runId: Int64, databaseURL: String, state: StateSchema, token: String, apiURL: String?, concurrency: Int
    ) throws(ExportError) -> RunRequest {
        let connection = try DatabaseSession.connect(databaseURL)
        defer { connection.close() }
        let parameters: RunParameters?
        do {
            parameters = try StateStore(schema: state, connection: connection).parameters(runId: runId)
        } catch where error.sqlState == "42P01" || error.sqlState == "3F000" {
            parameters = nil
        } catch {
            throw DatabaseSession.describe(error, connectionString: databaseURL)
        }
        guard let parameters else {
            throw .configuration("there is no run \(runId) with stored parameters in \(state.name).runs; create one with `customer-export backfill ... --plan-only`")
        }
        var request = try parameters.request(token: token, databaseURL: databaseURL, state: state, apiURL: apiURL, concurrency: concurrency)
        guard !request.api.token.isEmpty else { throw .configuration("no API token: set CUSTOMERS_API_TOKEN or pass --token-file FILE") }
        request.pipeline = parameters.pipeline
        return request
    }

    /// Works on a run planned with `--plan-only` (or any unfinished run) alongside other
    /// workers: claims windows until none is left to claim and none is held by a live worker.
    /// Returns 0 when the run is complete.
    public func work(runId: Int64) throws(ExportError) -> RunReport {
        let started = Timestamp.now()
        let control = try DatabaseSession.connect(request.databaseURL)
        defer { control.close() }
        let store = StateStore(schema: request.state, connection: control)
        let run: RunRecord
        do {
            try SchemaMigrator(target: request.target, state: request.state).migrate(control)
            guard let found = try store.run(id: runId) else {
                throw ExportError.configuration("there is no run \(runId) in \(request.state.name).runs")
            }
            run = found
            try store.retryFailedWindows(runId: runId)
            if run.status != .running, run.status != .done { try store.setRunStatus(runId, .running) }
        } catch let error as ExportError {
            throw error
        } catch let error as PostgresError {
            throw DatabaseSession.describe(error, connectionString: request.databaseURL)
        } catch {
            throw .database("\(error)")
        }
        let transport: any HTTPTransport
        if let injected = self.transport { transport = injected } else { transport = try makeTransport() }
        defer { transport.shutdown() }
        let client = CustomersAPIClient(
            configuration: request.api, transport: transport, stats: requestStats, cancellation: cancellation, rateLimiter: makeRateLimiter())
        let range = ResolvedRange(from: run.rangeFrom, to: run.rangeTo, watermarkOnCompletion: run.mode == .incremental ? run.rangeTo : nil)
        var report = RunReport(pipeline: run.pipeline, mode: run.mode, field: run.field, from: run.rangeFrom, to: run.rangeTo)
        report.runId = runId
        report.windows.planned = (try? store.windowCounts(runId: runId).total) ?? 0
        onPlanned?(report.windows.planned)
        let outcome = execute(run: run, range: range, client: client, control: control)
        report.add(requestStats.snapshot)
        for summary in outcome.reads { report.add(summary) }
        report.add(outcome.load)
        return try finish(report: &report, run: run, store: store, outcome: outcome, started: started, isWorker: true)
    }
}
