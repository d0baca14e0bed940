import Dispatch
import Foundation
import LibPQ
import Synchronization
import CustomerExportCommon
import CustomerExportExtract
import CustomerExportLoad
import CustomerExportState
import CustomerExportReporting

/// What the stages returned: the counts of every window read and every loader, added up.
package struct ExecutionOutcome {
    package var counts: ExportCounts
    package var loadError: ExportError?
    package var fatal: ExtractError?
    package var stateError: ExportError?

    /// A second pass over the run's failed windows: its reads and loads add up; its errors,
    /// being the latest word, replace the first pass's.
    package mutating func absorb(_ later: ExecutionOutcome) {
        counts += later.counts
        loadError = later.loadError
        fatal = later.fatal
        stateError = later.stateError
    }
}

extension ExportPipeline {
    /// Who this process is in the state tables: host and pid, unique among live workers.
    package static let workerName: String = {
        let host = ProcessInfo.processInfo.hostName
        return "\(host.isEmpty ? "worker" : host):\(ProcessInfo.processInfo.processIdentifier)"
    }()

    /// Executes the run, then reads the windows that still failed (or were left pending) once
    /// more before the run reports failure: a burst of errors late in a long run should not
    /// cost the night. Skipped when the run was stopped, rejected, or gave up on the API.
    package func executeWithFinalPass(run: RunRecord, range: ResolvedRange, client: CustomersAPIClient, control: ControlConnection) -> ExecutionOutcome {
        var outcome = execute(run: run, range: range, client: client, control: control)
        guard outcome.loadError == nil, outcome.stateError == nil, outcome.fatal == nil, !cancellation.isCancelled,
              !client.circuit.hasGivenUp,
              let counts = try? control.perform({ store throws(PostgresError) in try store.windowCounts(runId: run.id) }),
              counts.failed + counts.pending > 0
        else { return outcome }
        logger.warning("reading the run's unfinished windows once more before reporting failure", metadata: [
            "failed": "\(counts.failed)", "pending": "\(counts.pending)",
        ])
        do {
            try control.perform { store throws(PostgresError) in try store.prepareFinalPass(runId: run.id, worker: Self.workerName) }
        } catch {
            outcome.stateError = error
            return outcome
        }
        outcome.absorb(execute(run: run, range: range, client: client, control: control))
        return outcome
    }

    /// Runs extract and load concurrently: windows are claimed from the state tables one at a
    /// time (the same mechanism whether this is the only process or one of many workers), window
    /// drivers and page jobs run on Dispatch queues under one request limiter, each loader on a
    /// thread of its own with its own connection behind a bounded channel, and a lease keeper
    /// renewing the claims on one more connection.
    package func execute(run: RunRecord, range: ResolvedRange, client: CustomersAPIClient, control: ControlConnection) -> ExecutionOutcome {
        // The loaders together may hold up to four pages per request slot: enough to keep
        // fetching while windows merge, and a fixed bound on memory however large the export
        // and however many loaders share it.
        let router = LoadRouter(loaders: request.loaders, capacityPerLoader: max(4, request.concurrency * 4 / request.loaders))
        let claims = ClaimRegistry()
        let worker = Self.workerName
        let fatal = Mutex<ExtractError?>(nil)
        let context = CommitContext(
            runId: run.id, pipeline: request.pipeline, mode: request.mode, watermarkOnCompletion: range.watermarkOnCompletion,
            marksDeletions: request.mode == .reconcile, rangeEnd: range.to, worker: worker, lease: request.lease, claims: claims,
            state: request.state)
        let loaders = LoaderThreads(router: router, request: request, context: context, cancellation: cancellation,
                                    reconnector: control.reconnector, health: health, onWindowCommitted: onWindowCommitted)
        loaders.start()
        let keeper = LeaseKeeper(
            settings: .init(databaseURL: request.databaseURL, state: request.state, runId: run.id, worker: worker, lease: request.lease,
                            globalRequestsPerSecond: request.globalMaxRequestsPerSecond),
            claims: claims, rateLimiter: client.rateLimiter, health: health, logger: logger)
        keeper.start()

        let limiter = RequestLimiter(limit: request.concurrency)
        let chain = PageChain(normalizer: request.normalizer, router: router, scope: RecordScope(filters: request.api.filters, rangeEnd: range.to))
        let reader = WindowReader(
            client: client, limiter: limiter, sink: chain, settings: request.reading,
            events: readEvents { error in fatal.withLock { if $0 == nil { $0 = error } } }, evidence: sourceEvidence)
        let (readCounts, stateError) = ClaimLoop(
            request: request, runId: run.id, worker: worker, control: control, reader: reader, limiter: limiter,
            windowLimiter: RequestLimiter(limit: request.concurrency, label: "customer-export.windows"), router: router, claims: claims,
            cancellation: cancellation
        ).run()
        router.close()
        let loaded = loaders.wait()
        keeper.finish()

        var outcome = ExecutionOutcome(counts: readCounts, loadError: nil, fatal: fatal.withLock { $0 }, stateError: stateError)
        switch loaded {
        case let .success(totals): outcome.counts += totals
        case let .failure(error): outcome.loadError = error
        }
        return outcome
    }

    /// Decides how the run ended, records it, and completes the report. A worker that was
    /// interrupted leaves the run's status to the others. A stopped run records its end on the
    /// connection it has, without waiting for a database that is away.
    package func finish(
        report: inout RunReport, run: RunRecord, control: ControlConnection, outcome: ExecutionOutcome, started: Timestamp, isWorker: Bool = false
    ) -> RunReport {
        let reconnecting = !cancellation.isCancelled && outcome.loadError == nil && outcome.stateError == nil
        let counts = (try? control.perform(reconnecting: reconnecting) { store throws(PostgresError) in try store.windowCounts(runId: run.id) })
        report.windows.done = counts?.done ?? 0
        report.windows.failed = counts?.failed ?? 0
        report.windows.pending = counts?.pending ?? 0
        report.windows.split = counts?.split ?? 0
        report.durationSeconds = Timestamp.now().secondsSinceEpoch - started.secondsSinceEpoch
        report.rowsPerSecond = report.durationSeconds > 0 ? Double(report.rows.fetched) / report.durationSeconds : 0
        report.outages = health.totals()
        report.apiFindings = sourceEvidence.findings
        for finding in report.apiFindings { logger.warning("the API bends the contract: \(finding)") }

        let status: RunStatus
        let ending: ExportError?
        if let error = ExportError.cause(among: [outcome.loadError, outcome.stateError].compactMap { $0 }) {
            (status, ending) = (error.exitCode == 5 ? .interrupted : .failed, error)
        } else if let fatal = outcome.fatal {
            (status, ending) = (.failed, Self.describe(fatal, api: request.api))
        } else if let reason = cancellation.cancellationReason {
            (status, ending) = (.interrupted, .interrupted("\(reason); committed windows are kept, run the same command again to resume"))
        } else if let counts, counts.failed > 0 || counts.pending > 0 {
            let failed = (try? control.perform(reconnecting: false) { store throws(PostgresError) in try store.failureSample(runId: run.id) }) ?? nil
            (status, ending) = (.failed, .incomplete("\(counts.failed) window(s) failed and \(counts.pending) are pending\(failed.map { "; first error: \($0)" } ?? ""); run the same command again to retry them"))
        } else if counts == nil {
            (status, ending) = (.failed, .database("could not read how the run ended from the state tables; run the same command again"))
        } else {
            (status, ending) = (.done, nil)
        }
        report.status = status.rawValue
        report.exitCode = ending?.exitCode ?? 0
        report.message = ending?.message
        if status == .done {
            report.lastSuccessAt = Timestamp.now().rfc3339
        } else {
            _ = try? control.perform(reconnecting: false) { store throws(PostgresError) in try store.releaseClaims(runId: run.id, worker: Self.workerName) }
            let last = try? control.perform(reconnecting: false) { store throws(PostgresError) in
                try store.lastSuccess(pipeline: run.pipeline, target: request.target)
            }
            report.lastSuccessAt = (last ?? nil)?.rfc3339
        }
        let json = (try? JSONEncoder().encode(report)).map { String(decoding: $0, as: UTF8.self) }
        if !(isWorker && status == .interrupted) {
            do {
                try control.perform(reconnecting: reconnecting) { store throws(PostgresError) in
                    try store.setRunStatus(run.id, status, error: ending?.message, reportJSON: json)
                }
            } catch {
                logger.error("could not record the run's end", metadata: ["error": "\(error)"])
            }
        }
        return report
    }
}
