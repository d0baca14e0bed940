import Foundation
import CustomerExportCommon

/// What a verify found: per window, the API's total against the table's live rows, and for the
/// windows read in full, the differences by kind. Printed as a table on the terminal, written
/// as JSON (`--json`, `--report`) and as metrics (`--metrics-file`), on every exit.
package struct VerifyReport: Sendable, Codable, Equatable {
    /// One window with something to say: counts that differ, or read in full.
    package struct Window: Sendable, Codable, Equatable {
        /// The window's place among the range's windows, from 0.
        package var index: Int
        package var from: String
        package var to: String
        /// The API's `total` for the window; nil when its envelope gave none.
        package var apiTotal: Int?
        package var tableRows: Int
        /// Why it was read in full: `counts differ`, `sample` or `no total`; nil when it was not.
        package var readBecause: String?
        /// What the full read found; nil when it was not read or could not be.
        package var differences: WindowDifferences?
        /// Why the window could not be checked, if it could not.
        package var problem: String?
        /// Records the API counts in the window that its read could not account for.
        package var unaccounted = 0
    }

    package struct Totals: Sendable, Codable, Equatable {
        package var windows = 0
        package var countsEqual = 0
        package var countsDiffer = 0
        package var readInFull = 0
        package var sampled = 0
        /// Windows read in full that hold at least one difference.
        package var differing = 0
        /// Windows that could not be read consistently (they stay unverified).
        package var unchecked = 0
        /// Records the API counts that unchecked windows' reads could not account for.
        package var unaccounted = 0
        package var apiRows = 0
        package var tableRows = 0
        package var differences = WindowDifferences()

        /// Adds one window as the report has it.
        package mutating func count(_ window: Window) {
            windows += 1
            apiRows += window.apiTotal ?? 0
            tableRows += window.tableRows
            if let total = window.apiTotal { total == window.tableRows ? (countsEqual += 1) : (countsDiffer += 1) }
            guard let because = window.readBecause else { return }
            readInFull += 1
            if because == "sample" { sampled += 1 }
            if window.problem != nil { unchecked += 1 }
            unaccounted += window.unaccounted
            if let found = window.differences {
                differences += found
                if found.count > 0 { differing += 1 }
            }
        }
    }

    /// A reconcile of differing windows (`--repair`) and what it changed.
    package struct RepairRun: Sendable, Codable, Equatable {
        package var runId: Int64?
        package var from: String
        package var to: String
        package var inserted = 0
        package var updated = 0
        package var markedDeleted = 0
        /// The reconcile run's own requests (not in the verify's cost).
        package var requests = 0
        package var exitCode: Int32 = 0
        package var message: String?
    }

    package struct Repair: Sendable, Codable, Equatable {
        package var runs: [RepairRun] = []
        /// The repaired windows as the first verify found them, then as verified again.
        package var before = Totals()
        package var after = Totals()
    }

    package var pipeline: String
    package var target: String
    package var rangeFrom: String
    package var rangeTo: String
    package var filters = "none"
    /// How the windows were cut.
    package var sizing = ""
    package var sample = WindowSample.defaultFraction
    package var seed: UInt64 = 0
    /// `equal`, `different`, `incomplete`, `failed`, `interrupted` or `locked`.
    package var status = "failed"
    package var exitCode: Int32 = 1
    package var message: String?
    package var startedAt: String
    package var durationSeconds = 0.0
    /// Requests sent: to count (the range once, each window once), then the full reads' pages.
    package var countingRequests = 0
    package var readingRequests = 0
    package var totals = Totals()
    /// The windows with something to say, in range order; equal, unread windows are only counted.
    package var windows: [Window] = []
    package var repair: Repair?
    /// What the API got wrong while it was read, one sentence each (as a run's report has them).
    package var apiFindings: [String] = []

    /// The exit code of a verify that found the table different from the API.
    package static let differentExitCode: Int32 = 7

    package init(pipeline: String, target: String, rangeFrom: String, rangeTo: String, startedAt: Timestamp) {
        self.pipeline = pipeline
        self.target = target
        self.rangeFrom = rangeFrom
        self.rangeTo = rangeTo
        self.startedAt = startedAt.rfc3339
    }

    /// The report of a verify that ended before it compared anything.
    package static func failed(pipeline: String, target: String, error: ExportError, startedAt: Timestamp = .now()) -> VerifyReport {
        var report = VerifyReport(pipeline: pipeline, target: target, rangeFrom: "", rangeTo: "", startedAt: startedAt)
        report.exitCode = error.exitCode
        report.status = switch error.exitCode { case 5: "interrupted"; case 6: "locked"; default: "failed" }
        report.message = error.message
        return report
    }

    /// Sets the status and exit code from what was found: differences first (exit 7), then
    /// windows left unchecked (exit 1, as a run that could not read them), else equal.
    package mutating func conclude() {
        let latest = repair?.after ?? totals
        let remaining = repair == nil ? totals.differing : latest.differing
        let unchecked = repair == nil ? totals.unchecked : latest.unchecked + totals.unchecked
        // Windows whose reads could not account for the API's count are never repaired (a
        // reconcile marks deletions only with proof), so the first pass's figure stands.
        let unaccounted = totals.unaccounted + (repair?.after.unaccounted ?? 0)
        if let failed = repair?.runs.first(where: { $0.exitCode != 0 }), remaining > 0 || unchecked > 0 {
            // What kept the repair from finishing is what the user must act on.
            status = switch failed.exitCode { case 5: "interrupted"; case 6: "locked"; default: "failed" }
            exitCode = failed.exitCode
            message = "the repair's reconcile run ended with exit \(failed.exitCode): \(failed.message ?? "see its log")"
        } else if remaining > 0 || unaccounted > 0 {
            // Records the API counts and no read could account for are a difference too: the
            // table is not proven to hold them.
            status = "different"
            exitCode = Self.differentExitCode
            if unaccounted > 0 { message = "the reads could not account for \(unaccounted) records the API counts; see the windows above" }
        } else if unchecked > 0 {
            status = "incomplete"
            exitCode = ExportError.incomplete("").exitCode
            message = "\(unchecked) windows could not be read consistently and are not verified; run verify again"
        } else {
            status = "equal"
            exitCode = 0
        }
    }
}
