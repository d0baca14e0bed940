import Dispatch
import Foundation
import LibPQ
import Synchronization

/// What the stages returned.
struct ExecutionOutcome {
    var reads: [WindowReadSummary]
    var load: LoadTotals
    var loadError: ExportError?
    var fatal: ExtractError?
}

extension ExportPipeline {
    /// Runs extract and load concurrently: window drivers and page jobs on Dispatch queues under
    /// one request limiter, the loader on a thread of its own with its own connection, a bounded
    /// channel between them.
    func execute(windows: [TimeWindow], run: RunRecord, range: ResolvedRange, client: CustomersAPIClient) -> ExecutionOutcome {
        let channel = BoundedChannel<LoadEvent>(capacity: max(4, request.concurrency * 2))
        let fatal = Mutex<ExtractError?>(nil)
        let loaderResult = Mutex<Result<LoadTotals, ExportError>>(.success(LoadTotals()))
        let loaderDone = DispatchSemaphore(value: 0)
        let context = CommitContext(
            runId: run.id, pipeline: request.pipeline, mode: request.mode, watermarkOnCompletion: range.watermarkOnCompletion,
            marksDeletions: request.mode == .reconcile, rangeEnd: range.to)
        let request = self.request
        let cancellation = self.cancellation
        let onWindowCommitted = self.onWindowCommitted
        let loaderThread = Thread {
            do throws(ExportError) {
                let connection = try DatabaseSession.connect(request.databaseURL)
                defer { connection.close() }
                var loader = PostgresLoader(connection: connection, target: request.target, state: request.state, context: context)
                loader.onWindowCommitted = onWindowCommitted
                let totals = try loader.run(channel)
                loaderResult.withLock { $0 = .success(totals) }
            } catch {
                channel.abandon()
                loaderResult.withLock { $0 = .failure(error) }
                cancellation.cancel("the loader stopped: \(error.message)")
            }
            loaderDone.signal()
        }
        loaderThread.name = "customer-export.loader"
        loaderThread.start()

        let limiter = RequestLimiter(limit: request.concurrency)
        let windowLimiter = RequestLimiter(limit: request.concurrency, label: "customer-export.windows")
        let settings = WindowReadSettings(
            pageSize: request.api.pageSize, maxWindowRows: request.maxWindowRows, maxReadAttempts: request.maxReadAttempts,
            readAhead: request.api.readAhead, excludeFrom: range.to)
        let processor = PageProcessor(normalizer: request.normalizer, sink: channel, excludeFrom: settings.excludeFrom)
        let reader = WindowReader(client: client, limiter: limiter, processor: processor, settings: settings) { error in
            fatal.withLock { if $0 == nil { $0 = error } }
            cancellation.cancel("the API rejected a request")
        }
        let reads = Mutex<[WindowReadSummary]>([])
        let group = DispatchGroup()
        for window in windows {
            guard !cancellation.isCancelled else { break }
            windowLimiter.submit(group: group) {
                let summaries = reader.read(window)
                reads.withLock { $0 += summaries }
            }
        }
        group.wait()
        channel.close()
        loaderDone.wait()

        var outcome = ExecutionOutcome(reads: reads.withLock { $0 }, load: LoadTotals(), loadError: nil, fatal: fatal.withLock { $0 })
        switch loaderResult.withLock({ $0 }) {
        case let .success(totals): outcome.load = totals
        case let .failure(error): outcome.loadError = error
        }
        return outcome
    }

    /// Decides how the run ended, records it, and completes the report.
    func finish(report: inout RunReport, run: RunRecord, store: StateStore, outcome: ExecutionOutcome, started: Timestamp) throws(ExportError) -> RunReport {
        let counts = (try? store.windowCounts(runId: run.id)) ?? WindowCounts()
        report.windows.done = counts.done
        report.windows.failed = counts.failed
        report.windows.pending = counts.pending
        report.windows.split = counts.split
        report.durationSeconds = Timestamp.now().secondsSinceEpoch - started.secondsSinceEpoch
        report.rowsPerSecond = report.durationSeconds > 0 ? Double(report.rows.fetched) / report.durationSeconds : 0

        let status: RunStatus
        let ending: ExportError?
        if let error = outcome.loadError {
            (status, ending) = (.failed, error)
        } else if let fatal = outcome.fatal {
            (status, ending) = (.failed, Self.describe(fatal, api: request.api))
        } else if let reason = cancellation.cancellationReason {
            (status, ending) = (.interrupted, .interrupted("\(reason); committed windows are kept, run the same command again to resume"))
        } else if counts.failed > 0 || counts.pending > 0 {
            let failed = (try? store.failureSample(runId: run.id)) ?? nil
            (status, ending) = (.failed, .incomplete("\(counts.failed) window(s) failed and \(counts.pending) are pending\(failed.map { "; first error: \($0)" } ?? ""); run the same command again to retry them"))
        } else {
            (status, ending) = (.done, nil)
        }
        report.status = status.rawValue
        report.exitCode = ending?.exitCode ?? 0
        report.message = ending?.message
        let json = (try? JSONEncoder().encode(report)).map { String(decoding: $0, as: UTF8.self) }
        do {
            try store.setRunStatus(run.id, status, error: ending?.message, reportJSON: json)
        } catch {
            logger.error("could not record the run's end", metadata: ["error": "\(error)"])
        }
        return report
    }
}
