import Foundation
import LibPQ
import CustomerExportExtract
import CustomerExportState

/// Where one pipeline stands, as `customer-export status` shows it: its last run and that run's
/// windows, whether a run is active and what it is doing, the watermark and when it last moved,
/// and the quarantine of its target by reason. Codable for `status --json`.
package struct PipelineStatus: Sendable, Codable, Equatable {
    package struct LastRun: Sendable, Codable, Equatable {
        package var id: Int64
        package var mode: String
        package var status: String
        package var startedAt: String
        package var finishedAt: String?
        package var range: String
        package var filters: String
        package var lastError: String?
    }

    package struct Activity: Sendable, Codable, Equatable {
        /// A process holds the pipeline's lock (a backfill, run or reconcile in progress).
        package var lockHeld: Bool
        package var heartbeatAt: String?
        /// What it is doing, in a sentence.
        package var doing: String
    }

    package struct Watermark: Sendable, Codable, Equatable {
        package var value: String
        package var movedAt: String
        package var byRun: Int64?
    }

    package struct QuarantineReason: Sendable, Codable, Equatable {
        package var reason: String
        package var count: Int
    }

    package var pipeline: String
    package var target: String
    package var lastRun: LastRun?
    package var windows = RunWindowTally()
    package var active: Activity?
    package var watermark: Watermark?
    package var quarantine: [QuarantineReason] = []

    /// A few aligned lines per pipeline.
    package var rendered: String {
        var lines = ["pipeline \(pipeline) → \(target)"]
        if let run = lastRun {
            lines.append("  last run    \(run.id) \(run.mode) \(run.status), started \(run.startedAt)\(run.finishedAt.map { ", ended \($0)" } ?? ""), \(run.range), filters \(run.filters)")
            let held = windows.held > 0 ? " (\(windows.held) held by \(windows.workers) worker(s))" : ""
            lines.append("  windows     \(windows.done) done, \(windows.pending) pending\(held), \(windows.failed) failed, \(windows.split) split; \(windows.rowsFetched) rows fetched")
            if let error = run.lastError, !error.isEmpty { lines.append("  last error  \(error)") }
        }
        lines.append("  active      " + (active.map(\.doing) ?? "no"))
        lines.append("  watermark   " + (watermark.map { "\($0.value), moved \($0.movedAt)\($0.byRun.map { " by run \($0)" } ?? "")" } ?? "none"))
        let total = quarantine.reduce(0) { $0 + $1.count }
        lines.append("  quarantine  " + (total == 0 ? "none" : "\(total): " + quarantine.map { "\($0.count) \($0.reason)" }.joined(separator: ", ")))
        return lines.joined(separator: "\n")
    }
}

extension PipelineStatus {
    /// Every pipeline/target pair the state knows (from runs and watermarks), with its status;
    /// `isLocked` says whether a process holds the pipeline's lock.
    package static func all(in store: StateStore, isLocked: (String, String) throws(PostgresError) -> Bool) throws(PostgresError) -> [PipelineStatus] {
        var statuses: [String: PipelineStatus] = [:]
        for run in try store.latestRuns() {
            var status = PipelineStatus(pipeline: run.pipeline, target: run.target)
            let filters = run.filtersJSON.flatMap { try? JSONDecoder().decode(CustomerFilters.self, from: Data($0.utf8)) } ?? CustomerFilters()
            status.lastRun = .init(id: run.id, mode: run.mode, status: run.status, startedAt: run.startedAt, finishedAt: run.finishedAt,
                                   range: run.range, filters: filters.summary, lastError: run.lastError)
            status.windows = try store.windowTally(runId: run.id)
            let locked = try isLocked(run.pipeline, run.target)
            if locked || status.windows.held > 0 {
                let progress = "\(status.windows.done) of \(status.windows.done + status.windows.pending + status.windows.failed) windows done"
                let last = status.windows.lastCommitAt.map { ", last commit \($0)" } ?? ""
                status.active = .init(lockHeld: locked, heartbeatAt: run.heartbeatAt,
                                      doing: "run \(run.id) is reading: \(progress)\(last), \(status.windows.held) window(s) in hand")
            }
            statuses[run.pipeline + "\u{0}" + run.target] = status
        }
        for mark in try store.storedWatermarks() {
            let key = mark.pipeline + "\u{0}" + mark.target
            var status = statuses[key] ?? PipelineStatus(pipeline: mark.pipeline, target: mark.target)
            status.watermark = .init(value: mark.value, movedAt: mark.movedAt, byRun: mark.byRun)
            statuses[key] = status
        }
        let quarantine = try store.quarantineCounts()
        for key in statuses.keys {
            let target = statuses[key]?.target
            statuses[key]?.quarantine = quarantine.filter { $0.target == target }.map { .init(reason: $0.reason, count: $0.count) }
        }
        return statuses.values.sorted { ($0.pipeline, $0.target) < ($1.pipeline, $1.target) }
    }
}
