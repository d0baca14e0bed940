import Foundation
import CustomerExportCommon

/// What a verify found: per window, the API's total against the table's live rows, and for the
/// windows read in full, the differences by kind. Printed as a table on the terminal, written
/// as JSON (`--json`, `--report`) and as metrics (`--metrics-file`), on every exit.
public struct VerifyReport: Sendable, Codable, Equatable {
    /// One window with something to say: counts that differ, or read in full.
    public struct Window: Sendable, Codable, Equatable {
        /// The window's place among the range's windows, from 0.
        public var index: Int
        public var from: String
        public var to: String
        /// The API's `total` for the window; nil when its envelope gave none.
        public var apiTotal: Int?
        public var tableRows: Int
        /// Why it was read in full: `counts differ`, `sample` or `no total`; nil when it was not.
        public var readBecause: String?
        /// What the full read found; nil when it was not read or could not be.
        public var differences: WindowDifferences?
        /// Why the window could not be checked, if it could not.
        public var problem: String?
        /// Records the API counts in the window that its read could not account for.
        public var unaccounted = 0
    }

    public struct Totals: Sendable, Codable, Equatable {
        public var windows = 0
        public var countsEqual = 0
        public var countsDiffer = 0
        public var readInFull = 0
        public var sampled = 0
        /// Windows read in full that hold at least one difference.
        public var differing = 0
        /// Windows that could not be read consistently (they stay unverified).
        public var unchecked = 0
        /// Records the API counts that unchecked windows' reads could not account for.
        public var unaccounted = 0
        public var apiRows = 0
        public var tableRows = 0
        public var differences = WindowDifferences()

        /// Adds one window as the report has it.
        public mutating func count(_ window: Window) {
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
    public struct RepairRun: Sendable, Codable, Equatable {
        public var runId: Int64?
        public var from: String
        public var to: String
        public var inserted = 0
        public var updated = 0
        public var markedDeleted = 0
        /// The reconcile run's own requests (not in the verify's cost).
        public var requests = 0
        public var exitCode: Int32 = 0
        public var message: String?
    }

    public struct Repair: Sendable, Codable, Equatable {
        public var runs: [RepairRun] = []
        /// The repaired windows as the first verify found them, then as verified again.
        public var before = Totals()
        public var after = Totals()
    }

    public var pipeline: String
    public var target: String
    public var rangeFrom: String
    public var rangeTo: String
    public var filters = "none"
    /// How the windows were cut.
    public var sizing = ""
    public var sample = VerifyRequest.defaultSampleFraction
    public var seed: UInt64 = 0
    /// `equal`, `different`, `incomplete`, `failed`, `interrupted` or `locked`.
    public var status = "failed"
    public var exitCode: Int32 = 1
    public var message: String?
    public var startedAt: String
    public var durationSeconds = 0.0
    /// Requests sent: to count (the range once, each window once), then the full reads' pages.
    public var countingRequests = 0
    public var readingRequests = 0
    public var totals = Totals()
    /// The windows with something to say, in range order; equal, unread windows are only counted.
    public var windows: [Window] = []
    public var repair: Repair?
    /// What the API got wrong while it was read, one sentence each (as a run's report has them).
    public var apiFindings: [String] = []

    /// The exit code of a verify that found the table different from the API.
    public static let differentExitCode: Int32 = 7

    public init(pipeline: String, target: String, rangeFrom: String, rangeTo: String, startedAt: Timestamp) {
        self.pipeline = pipeline
        self.target = target
        self.rangeFrom = rangeFrom
        self.rangeTo = rangeTo
        self.startedAt = startedAt.rfc3339
    }

    /// The report of a verify that ended before it compared anything.
    public static func failed(pipeline: String, target: String, error: ExportError, startedAt: Timestamp = .now()) -> VerifyReport {
        var report = VerifyReport(pipeline: pipeline, target: target, rangeFrom: "", rangeTo: "", startedAt: startedAt)
        report.exitCode = error.exitCode
        report.status = switch error.exitCode { case 5: "interrupted"; case 6: "locked"; default: "failed" }
        report.message = error.message
        return report
    }

    /// Sets the status and exit code from what was found: differences first (exit 7), then
    /// windows left unchecked (exit 1, as a run that could not read them), else equal.
    public mutating func conclude() {
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
