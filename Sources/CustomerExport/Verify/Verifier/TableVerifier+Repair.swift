import LibPQ
import CustomerExportCommon
import CustomerExportExtract
import CustomerExportRun

extension TableVerifier {
    /// `--repair`: reconciles the windows that differ, neighbours joined into one range, as the
    /// pipeline's own reconcile runs (recorded, resumable, loads and all; rows the API no longer
    /// returns are marked deleted by the same rules), then counts and reads those windows again.
    /// The report keeps both looks: `repair.before` and `repair.after`.
    package func repair(
        _ report: inout VerifyReport, counted: [CountedWindow], differing: [Int], range: ResolvedRange, client: CustomersAPIClient,
        connection: PostgresConnection
    ) throws(ExportError) {
        let rangeEnd = range.to
        var repair = VerifyReport.Repair()
        for window in report.windows where (window.differences?.count ?? 0) > 0 { repair.before.count(window) }
        let repairStarted = Timestamp.now()
        for part in Self.ranges(of: differing, in: counted, rangeEnd: rangeEnd) {
            var run = request.run
            run.mode = .reconcile
            run.from = part.from
            run.to = part.to
            run.restart = true
            var outcome = VerifyReport.RepairRun(from: part.from.rfc3339, to: part.to.rfc3339)
            do throws(ExportError) {
                let result = try ExportPipeline(request: run, cancellation: cancellation, logger: logger).run()
                outcome.runId = result.runId
                outcome.inserted = result.rows.inserted
                outcome.updated = result.rows.updated
                outcome.markedDeleted = result.rows.markedDeleted
                outcome.requests = result.requests.total
                outcome.exitCode = result.exitCode
                outcome.message = result.message
            } catch {
                outcome.exitCode = error.exitCode
                outcome.message = error.message
            }
            repair.runs.append(outcome)
            // A failed reconcile (the pipeline locked, PostgreSQL down) would fail the next one too.
            if outcome.exitCode != 0 { break }
        }
        // The second look: the repaired windows counted and read again. A record changed since
        // the repair began may not be in the table yet: a live change, like during the first look.
        let again = differing.map { counted[$0].window }
        let before = pipeline.requestStats.snapshot.requests
        let recounted = try countWindows(again, rangeEnd: rangeEnd, client: client, connection: connection)
        let outcomes = try read(recounted, range: range, client: client, changedAfter: repairStarted, connection: connection)
        var entries: [VerifyReport.Window] = []
        repair.after = Self.assemble(recounted, chosen: again.indices.map { ($0, "repaired") }, outcomes: outcomes, into: &entries)
        report.countingRequests += again.count
        report.readingRequests += pipeline.requestStats.snapshot.requests - before - again.count
        report.repair = repair
    }

    /// Consecutive windows joined: `[first.from, last.to)`, the last bound the range's end at most.
    /// A row on a bound that two windows share differs in both, so its range always holds it.
    package static func ranges(of indices: [Int], in windows: [CountedWindow], rangeEnd: Timestamp) -> [(from: Timestamp, to: Timestamp)] {
        var ranges: [(from: Timestamp, to: Timestamp)] = []
        var previous: Int?
        for index in indices {
            let window = windows[index].window
            if let last = previous, last + 1 == index, var joined = ranges.popLast() {
                joined.to = min(window.to, rangeEnd)
                ranges.append(joined)
            } else {
                ranges.append((window.from, min(window.to, rangeEnd)))
            }
            previous = index
        }
        return ranges
    }
}
