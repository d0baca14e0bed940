import Foundation
import LibPQ
import Logging
import CustomerExportCommon
import CustomerExportExtract
import CustomerExportLoad
import CustomerExportConfiguration
import CustomerExportRun

/// `customer-export verify`: compares the table with the API, window by window, and says
/// whether they hold the same customers in the same versions.
///
/// Cheap first, thorough where it matters: each window's API `total` (one `limit=1` request) is
/// compared with the table's count of live rows in the same bounds and filters; the windows
/// whose counts differ, and a seeded sample of the others, are read in full through the run's
/// own window reader (consistent under live data, split when large) and normalizer, and diffed
/// by id and `updatedAt` in PostgreSQL. It writes nothing, takes no lock and needs only `SELECT`
/// on the table, unless `--repair` reconciles the windows that differ (as the pipeline's runs
/// would), and verifies them again.
package struct TableVerifier: Sendable {
    package let request: VerifyRequest
    package let cancellation: CancellationToken
    package let logger: Logger
    /// The HTTP seam for the verify's own requests (a repair's runs build their own).
    package var transport: (any HTTPTransport)?
    /// Called once the counts are in, with the number of windows to read in full.
    package var onCounted: (@Sendable (Int) -> Void)?
    /// Called after each window read in full, with the records it held.
    package var onWindowRead: (@Sendable (Int) -> Void)?
    /// The run's machinery the verify shares (client, transport, request counters, health).
    let pipeline: ExportPipeline

    package init(request: VerifyRequest, cancellation: CancellationToken, logger: Logger) {
        self.request = request
        self.cancellation = cancellation
        self.logger = logger
        pipeline = ExportPipeline(request: request.run, cancellation: cancellation, logger: logger)
    }

    /// Requests sent so far, by outcome: the progress line reads it while the verify runs.
    package var requestStats: RequestStats { pipeline.requestStats }
    /// Which side (API, PostgreSQL) the verify is waiting for, for the progress line.
    package var health: ServiceHealth { pipeline.health }

    /// One window as counted: the API's total and the table's live rows.
    package struct CountedWindow: Sendable {
        package var window: TimeWindow
        package var apiTotal: Int?
        package var tableRows: Int
    }

    package func verify() throws(ExportError) -> VerifyReport {
        try request.validate()
        let started = Timestamp.now()
        let run = request.run
        let range = try RangeResolver(request: run, now: started).resolveFixedRange()
        var report = VerifyReport(
            pipeline: run.pipeline, target: run.target.displayName, rangeFrom: range.from.rfc3339, rangeTo: range.to.rfc3339, startedAt: started)
        report.filters = run.api.filters.summary
        report.sample = request.sample.fraction
        report.seed = request.sample.seed

        let connection = try DatabaseSession.connect(run.databaseURL)
        defer { connection.close() }
        try requireTarget(connection)
        let transport: any HTTPTransport
        if let injected = self.transport { transport = injected } else { transport = try pipeline.makeTransport() }
        defer { transport.shutdown() }
        let client = pipeline.makeClient(transport)

        // The verifier's counters outlive one call: this call's requests are the difference.
        let requestsBefore = pipeline.requestStats.snapshot.requests
        let counted = try count(range: range, client: client, connection: connection)
        report.sizing = counted.sizing
        report.countingRequests = pipeline.requestStats.snapshot.requests - requestsBefore
        let chosen = choose(counted.windows)
        onCounted?(chosen.count)
        let outcomes = try read(chosen.map { counted.windows[$0.index] }, range: range, client: client, changedAfter: started, connection: connection)
        report.readingRequests = pipeline.requestStats.snapshot.requests - requestsBefore - report.countingRequests
        report.totals = Self.assemble(counted.windows, chosen: chosen, outcomes: outcomes, into: &report.windows)
        logger.info("verified", metadata: [
            "windows": "\(report.totals.windows)", "read_in_full": "\(report.totals.readInFull)", "differing": "\(report.totals.differing)",
        ])
        let differing = report.windows.compactMap { entry in (entry.differences?.count ?? 0) > 0 ? entry.index : nil }
        if request.repair, !differing.isEmpty {
            try repair(&report, counted: counted.windows, differing: differing, range: range, client: client, connection: connection)
        }
        report.durationSeconds = Timestamp.now().span(since: started).seconds
        report.conclude()
        report.apiFindings = pipeline.sourceEvidence.findings
        for finding in report.apiFindings { logger.warning("the API bends the contract: \(finding)") }
        return report
    }

    /// Refuses a target that does not exist (a wrong name or a table never loaded, not a table
    /// missing every row) or that has another shape than the export writes, as a run does.
    private func requireTarget(_ connection: PostgresConnection) throws(ExportError) {
        let shape = TargetShape(target: request.run.target)
        let exists: Bool
        do throws(PostgresError) {
            exists = try shape.exists(connection)
        } catch {
            throw DatabaseSession.describe(error, connectionString: request.run.databaseURL)
        }
        guard exists else {
            throw .configuration("the target table \(request.run.target.displayName) does not exist, so there is nothing to verify; check --target-schema and --target-table (database.targetSchema/targetTable), or run a backfill first")
        }
        try shape.verify(connection)
    }

    /// The windows to read in full, with why: counts that differ, no total to compare, or the sample.
    package func choose(_ windows: [CountedWindow]) -> [(index: Int, because: String)] {
        var chosen: [(index: Int, because: String)] = []
        var agreeing: [Int] = []
        for (index, window) in windows.enumerated() {
            switch window.apiTotal {
            case nil: chosen.append((index, "no total"))
            case window.tableRows: agreeing.append(index)
            default: chosen.append((index, "counts differ"))
            }
        }
        chosen += request.sample.choose(from: agreeing).map { ($0, "sample") }
        return chosen.sorted { $0.index < $1.index }
    }

    /// The report's windows and totals from the counts and the full reads.
    package static func assemble(
        _ windows: [CountedWindow], chosen: [(index: Int, because: String)], outcomes: [WindowChecker.Outcome], into entries: inout [VerifyReport.Window]
    ) -> VerifyReport.Totals {
        var totals = VerifyReport.Totals()
        let read = Dictionary(uniqueKeysWithValues: zip(chosen, outcomes).map { ($0.0.index, (because: $0.0.because, outcome: $0.1)) })
        for (index, counted) in windows.enumerated() {
            let full = read[index]
            var entry = VerifyReport.Window(
                index: index, from: counted.window.from.rfc3339, to: counted.window.to.rfc3339, apiTotal: counted.apiTotal, tableRows: counted.tableRows,
                readBecause: full?.because)
            if let full {
                if let problem = full.outcome.problem {
                    // Not "0 missing": the read proved nothing about the records it lacked.
                    if let total = counted.apiTotal, total > full.outcome.accountedWhenFailed {
                        entry.unaccounted = total - full.outcome.accountedWhenFailed
                        entry.problem = "the read could not account for \(entry.unaccounted) of the API's \(total) records: \(problem)"
                    } else {
                        entry.problem = problem
                    }
                } else {
                    var found = full.outcome.differences
                    if let counted = counted.apiTotal, let read = full.outcome.readTotal { found.explainExtras(byDeletions: counted - read) }
                    entry.differences = found
                }
            }
            totals.count(entry)
            // Equal, unread windows are only counted.
            if full != nil || counted.apiTotal != counted.tableRows { entries.append(entry) }
        }
        return totals
    }
}
