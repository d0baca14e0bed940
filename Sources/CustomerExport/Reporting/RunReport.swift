import Foundation
import CustomerExportCommon
import CustomerExportExtract
import CustomerExportState

/// What a run did, assembled from each stage's own counts. Printed as a summary on stderr and,
/// with `--report FILE`, written as JSON for whatever watches the nightly job.
package struct RunReport: Sendable, Codable, Equatable {
    package struct Windows: Sendable, Codable, Equatable {
        package var planned = 0
        package var done = 0
        package var failed = 0
        package var split = 0
        package var pending = 0
        package var rereadForDrift = 0
    }

    package struct Rows: Sendable, Codable, Equatable {
        package var fetched = 0
        package var quarantined = 0
        package var inserted = 0
        package var updated = 0
        /// Merged but identical to what the table already had, or older than it (stale).
        package var unchanged = 0
        package var duplicates = 0
        package var stale = 0
        package var outsideRange = 0
        /// Rows read in windows that did not commit (failed, or taken by another worker): with
        /// them, `fetched = inserted + updated + unchanged + quarantined + duplicates + stale +
        /// outsideRange + notCommitted` in every report.
        package var notCommitted = 0
        /// Reconcile: rows marked `deleted_at` because the API no longer returns them.
        package var markedDeleted = 0
    }

    package struct Requests: Sendable, Codable, Equatable {
        package var total = 0
        package var byStatus: [String: Int] = [:]
        package var retriesByStatus: [String: Int] = [:]
        package var bytes = 0
    }

    /// Where the loader's time went: a loader that is rarely idle is what bounds the run.
    package struct Loader: Sendable, Codable, Equatable {
        /// COPY of staged pages into per-window temporary tables.
        package var copySeconds = 0.0
        /// Merge, quarantine and checkpoint transactions.
        package var commitSeconds = 0.0
        /// Waiting for pages from the API.
        package var idleSeconds = 0.0
        /// Windows whose rows were all new to the target and went in by plain `INSERT`, without
        /// the merge; the rest were merged.
        package var windowsInsertedAsNew = 0
    }

    package var runId: Int64?
    package var pipeline: String
    package var mode: String
    package var windowField: String
    package var rangeFrom: String
    package var rangeTo: String
    package var status: String
    package var exitCode: Int32
    package var message: String?
    package var windows = Windows()
    package var pages = 0
    package var requests = Requests()
    package var rows = Rows()
    package var loader = Loader()
    package var durationSeconds = 0.0
    package var rowsPerSecond = 0.0
    /// How long the run waited for the API and for PostgreSQL, and windows it read again.
    package var outages = ServiceHealth.Totals()
    /// What the API got wrong, one sentence each: a page size it caps silently, meta values that
    /// cannot be true, filters its records show it ignores. Empty for an API that keeps the contract.
    package var apiFindings: [String] = []
    /// When this pipeline last finished a run successfully (RFC 3339), as the state tables say;
    /// nil when they could not be read. The metrics file keeps it across failed runs.
    package var lastSuccessAt: String?

    package init(pipeline: String, mode: RunMode, field: WindowField, from: Timestamp, to: Timestamp) {
        self.pipeline = pipeline
        self.mode = mode.rawValue
        self.windowField = field.rawValue
        self.rangeFrom = from.rfc3339
        self.rangeTo = to.rfc3339
        self.status = RunStatus.running.rawValue
        self.exitCode = 0
    }

    /// The report of a command that ended before it had a range (a configuration error, a
    /// database that is down, a held lock): the range fields are empty.
    package init(pipeline: String, mode: RunMode, field: WindowField) {
        self.pipeline = pipeline
        self.mode = mode.rawValue
        self.windowField = field.rawValue
        self.rangeFrom = ""
        self.rangeTo = ""
        self.status = RunStatus.failed.rawValue
        self.exitCode = 0
    }

    /// Adds what the stages counted (reads and loads of a pass over the run's windows).
    package mutating func add(_ counts: ExportCounts) {
        pages += counts.pages
        rows.fetched += counts.rowsFetched
        rows.duplicates += counts.duplicates
        rows.stale += counts.stale
        rows.outsideRange += counts.outsideRange
        rows.notCommitted += counts.rowsNotCommitted
        windows.rereadForDrift += counts.driftRereads
        rows.inserted += counts.inserted
        rows.updated += counts.updated
        rows.unchanged += counts.unchanged
        rows.quarantined += counts.quarantineStored
        rows.markedDeleted += counts.markedDeleted
        windows.split += counts.windowsSplit
        loader.copySeconds += counts.copySeconds
        loader.commitSeconds += counts.mergeSeconds
        loader.idleSeconds += counts.idleSeconds
        loader.windowsInsertedAsNew += counts.windowsInsertedAsNew
    }

    package mutating func add(_ requests: RequestStats.Snapshot) {
        self.requests = Requests(total: requests.requests, byStatus: requests.byOutcome, retriesByStatus: requests.retries, bytes: requests.bytes)
    }

    /// The human summary: a few aligned lines a person can read in a cron mail.
    /// The report as flat fields, for the JSON line that ends a run with `--log-format json`.
    package var fields: [String: String] {
        let range = rangeFrom.isEmpty ? "" : "\(windowField) [\(rangeFrom), \(rangeTo))"
        let counts: [(String, Int)] = [
            ("windows_planned", windows.planned), ("windows_done", windows.done), ("windows_failed", windows.failed),
            ("windows_pending", windows.pending), ("windows_split", windows.split), ("windows_reread", windows.rereadForDrift),
            ("requests", requests.total), ("rows_fetched", rows.fetched), ("rows_inserted", rows.inserted), ("rows_updated", rows.updated),
            ("rows_unchanged", rows.unchanged), ("rows_quarantined", rows.quarantined), ("rows_duplicates", rows.duplicates),
            ("rows_stale", rows.stale), ("rows_outside_range", rows.outsideRange), ("rows_not_committed", rows.notCommitted), ("rows_marked_deleted", rows.markedDeleted),
            ("rows_per_second", Int(rowsPerSecond)), ("windows_redone", outages.windowsRedone),
        ]
        var fields: [String: String] = ["pipeline": pipeline, "mode": mode, "status": status, "exit_code": String(exitCode), "range": range]
        for (key, value) in counts { fields[key] = String(value) }
        fields["requests_by_status"] = Self.counts(requests.byStatus)
        fields["retries"] = Self.counts(requests.retriesByStatus)
        fields["duration_seconds"] = String(format: "%.1f", durationSeconds)
        fields["waited_api_seconds"] = String(format: "%.1f", outages.apiSecondsWaited)
        fields["waited_database_seconds"] = String(format: "%.1f", outages.databaseSecondsWaited)
        if let runId { fields["run"] = String(runId) }
        if let message { fields["error"] = message }
        if let lastSuccessAt { fields["last_success_at"] = lastSuccessAt }
        if !apiFindings.isEmpty { fields["api_findings"] = apiFindings.joined(separator: "; ") }
        return fields
    }

    /// Counts by key for people: `200×1113 503×17`, or `none`.
    package static func counts(_ counts: [String: Int]) -> String {
        counts.isEmpty ? "none" : counts.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
    }

    package var summary: String {
        func sorted(_ counts: [String: Int]) -> String { Self.counts(counts) }
        return """
            customer-export \(mode) \(pipeline): \(status) (exit \(exitCode))\(runId.map { ", run \($0)" } ?? "")
              range     \(windowField) [\(rangeFrom), \(rangeTo))
              windows   \(windows.done) done, \(windows.failed) failed, \(windows.pending) pending, \(windows.split) split, \(windows.rereadForDrift) re-read for drift (of \(windows.planned) planned)
              requests  \(requests.total) (\(sorted(requests.byStatus))), retries: \(sorted(requests.retriesByStatus))
              rows      \(rows.fetched) fetched, \(rows.inserted) inserted, \(rows.updated) updated, \(rows.unchanged) unchanged, \(rows.quarantined) quarantined, \(rows.duplicates) duplicates, \(rows.stale) stale, \(rows.outsideRange) outside range\(rows.notCommitted > 0 ? ", \(rows.notCommitted) in windows not committed" : "")\(mode == RunMode.reconcile.rawValue ? ", \(rows.markedDeleted) marked deleted" : "")
              time      \(String(format: "%.1f", durationSeconds)) s, \(Int(rowsPerSecond)) rows/s; loader \(String(format: "%.1f", loader.copySeconds)) s copying, \(String(format: "%.1f", loader.commitSeconds)) s committing, \(String(format: "%.1f", loader.idleSeconds)) s idle
            """ + outageLine + apiFindings.map { "\n  api       \($0)" }.joined() + (message.map { "\n  note      \($0)" } ?? "")
    }

    /// "  waited    the API 1m32s (1 outage), PostgreSQL 12s (1 outage); 3 windows read again", or nothing.
    private var outageLine: String {
        var parts: [String] = []
        if outages.apiOutages > 0 {
            parts.append("the API \(TimeSpan(nanoseconds: Int64(outages.apiSecondsWaited * 1e9)).readable) (\(outages.apiOutages) outage\(outages.apiOutages == 1 ? "" : "s"))")
        }
        if outages.databaseOutages > 0 {
            parts.append("PostgreSQL \(TimeSpan(nanoseconds: Int64(outages.databaseSecondsWaited * 1e9)).readable) (\(outages.databaseOutages) outage\(outages.databaseOutages == 1 ? "" : "s"))")
        }
        guard !parts.isEmpty || outages.windowsRedone > 0 else { return "" }
        let redone = outages.windowsRedone > 0 ? "; \(outages.windowsRedone) window(s) read again after a cut connection" : ""
        return "\n  waited    " + (parts.isEmpty ? "nothing" : parts.joined(separator: ", ")) + redone
    }
}
