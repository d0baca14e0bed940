import LibPQ
import CustomerExportCommon
import CustomerExportExtract
import CustomerExportLoad
import CustomerExportState
import CustomerExportConfiguration
import CustomerExportReporting

extension ExportPipeline {
    /// Loads a planned run's parameters and builds the request a worker runs with; the worker's
    /// flags (`overrides`: API URL, token file, CA file, retry budget, tuning) take precedence.
    package static func workerRequest(
        runId: Int64, databaseURL: String, state: StateSchema, overrides: RunOverrides, environment: [String: String]
    ) throws(ExportError) -> RunRequest {
        let connection = try DatabaseSession.connect(databaseURL)
        defer { connection.close() }
        let store = StateStore(schema: state, connection: connection)
        guard let request = try RunSettings.request(forRun: runId, store: store, overrides: overrides, environment: environment, databaseURL: databaseURL) else {
            throw .configuration("there is no run \(runId) with stored parameters in \(state.name).runs; create one with `customer-export backfill ... --plan-only`")
        }
        return request
    }

    /// Works on a run planned with `--plan-only` (or any unfinished run) alongside other
    /// workers: claims windows until none is left to claim and none is held by a live worker.
    /// Returns 0 when the run is complete.
    package func work(runId: Int64) throws(ExportError) -> RunReport {
        let started = Timestamp.now()
        let control = ControlConnection(
            connection: try DatabaseSession.connect(request.databaseURL), state: request.state, databaseURL: request.databaseURL)
        defer { control.close() }
        control.reconnector = makeReconnector()
        try TargetShape(target: request.target).verify(control.connection)
        try migrate(control)
        guard let run = try control.perform({ store throws(PostgresError) in try store.run(id: runId) }) else {
            throw .configuration("there is no run \(runId) in \(request.state.name).runs")
        }
        try control.perform { store throws(PostgresError) in
            try store.retryFailedWindows(runId: runId)
            if run.status != .running, run.status != .done { try store.setRunStatus(runId, .running) }
        }
        let transport: any HTTPTransport
        if let injected = self.transport { transport = injected } else { transport = try makeTransport() }
        defer { transport.shutdown() }
        let client = makeClient(transport)
        let range = ResolvedRange(from: run.rangeFrom, to: run.rangeTo, watermarkOnCompletion: run.mode == .incremental ? run.rangeTo : nil)
        var report = RunReport(pipeline: run.pipeline, mode: run.mode, field: run.field, from: run.rangeFrom, to: run.rangeTo)
        report.runId = runId
        report.windows.planned = (try? control.store.windowCounts(runId: runId).total) ?? 0
        onPlanned?(report.windows.planned)
        let outcome = executeWithFinalPass(run: run, range: range, client: client, control: control)
        report.add(requestStats.snapshot)
        report.add(outcome.counts)
        return finish(report: &report, run: run, control: control, outcome: outcome, started: started, isWorker: true)
    }
}
