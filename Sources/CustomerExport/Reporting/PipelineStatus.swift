import Foundation
import LibPQ

/// Where one pipeline stands, as `customer-export status` shows it: its last run and that run's
/// windows, whether a run is active and what it is doing, the watermark and when it last moved,
/// and the quarantine of its target by reason. Codable for `status --json`.
public struct PipelineStatus: Sendable, Codable, Equatable {
    public struct LastRun: Sendable, Codable, Equatable {
        public var id: Int64
        public var mode: String
        public var status: String
        public var startedAt: String
        public var finishedAt: String?
        public var range: String
        public var filters: String
        public var lastError: String?
    }

    public struct Windows: Sendable, Codable, Equatable {
        public var done = 0
        public var pending = 0
        public var failed = 0
        public var split = 0
        /// Pending windows some worker holds under a live lease, and how many workers hold them.
        public var held = 0
        public var workers = 0
        public var rowsFetched = 0
        /// When the run last committed a window.
        public var lastCommitAt: String?
    }

    public struct Activity: Sendable, Codable, Equatable {
        /// A process holds the pipeline's lock (a backfill, run or reconcile in progress).
        public var lockHeld: Bool
        public var heartbeatAt: String?
        /// What it is doing, in a sentence.
        public var doing: String
    }

    public struct Watermark: Sendable, Codable, Equatable {
        public var value: String
        public var movedAt: String
        public var byRun: Int64?
    }

    public struct QuarantineReason: Sendable, Codable, Equatable {
        public var reason: String
        public var count: Int
    }

    public var pipeline: String
    public var target: String
    public var lastRun: LastRun?
    public var windows = Windows()
    public var active: Activity?
    public var watermark: Watermark?
    public var quarantine: [QuarantineReason] = []

    /// A few aligned lines per pipeline.
    public var rendered: String {
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

extension StateStore {
    /// Every pipeline/target pair the state knows (from runs and watermarks), with its status.
    func pipelineStatuses(isLocked: (String, String) throws(PostgresError) -> Bool) throws(PostgresError) -> [PipelineStatus] {
        let time = { (column: String) in "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS \"UTC\"')" }
        let iso = { (column: String) in "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')" }
        let runs = try connection.execute(
            """
            SELECT DISTINCT ON (pipeline, target) pipeline, target, id, mode, status, \(time("started_at")), \(time("finished_at")),
                   window_field || ' [' || \(iso("range_from")) || ', ' || \(iso("range_to")) || ')', params->'filters', last_error, \(time("heartbeat_at"))
            FROM \(schema.table("runs")) ORDER BY pipeline, target, id DESC
            """)
        var statuses: [String: PipelineStatus] = [:]
        for row in runs.rows {
            guard let pipeline = row[0], let target = row[1], let id = row[2].flatMap({ Int64($0) }) else { continue }
            var status = PipelineStatus(pipeline: pipeline, target: target)
            let filters = row[8].flatMap { try? JSONDecoder().decode(CustomerFilters.self, from: Data($0.utf8)) } ?? CustomerFilters()
            status.lastRun = .init(id: id, mode: row[3] ?? "", status: row[4] ?? "", startedAt: row[5] ?? "", finishedAt: row[6],
                                   range: row[7] ?? "", filters: filters.summary, lastError: row[9])
            status.windows = try windowSummary(runId: id)
            if try isLocked(pipeline, target) || status.windows.held > 0 {
                let progress = "\(status.windows.done) of \(status.windows.done + status.windows.pending + status.windows.failed) windows done"
                let last = status.windows.lastCommitAt.map { ", last commit \($0)" } ?? ""
                status.active = .init(lockHeld: try isLocked(pipeline, target), heartbeatAt: row[10],
                                      doing: "run \(id) is reading: \(progress)\(last), \(status.windows.held) window(s) in hand")
            }
            statuses[pipeline + "\u{0}" + target] = status
        }
        let marks = try connection.execute(
            "SELECT pipeline, target, \(iso("watermark")), \(time("updated_at")), run_id FROM \(schema.table("watermarks"))")
        for row in marks.rows {
            guard let pipeline = row[0], let target = row[1] else { continue }
            let key = pipeline + "\u{0}" + target
            var status = statuses[key] ?? PipelineStatus(pipeline: pipeline, target: target)
            status.watermark = .init(value: row[2] ?? "", movedAt: row[3] ?? "", byRun: row[4].flatMap { Int64($0) })
            statuses[key] = status
        }
        let quarantine = try quarantineCounts()
        for key in statuses.keys {
            let target = statuses[key]?.target
            statuses[key]?.quarantine = quarantine.filter { $0.target == target }.map { .init(reason: $0.reason, count: $0.count) }
        }
        return statuses.values.sorted { ($0.pipeline, $0.target) < ($1.pipeline, $1.target) }
    }

    private func windowSummary(runId: Int64) throws(PostgresError) -> PipelineStatus.Windows {
        let result = try connection.execute(
            """
            SELECT count(*) FILTER (WHERE status = \(WindowStatus.done.sql)), count(*) FILTER (WHERE status = \(WindowStatus.pending.sql)),
                   count(*) FILTER (WHERE status = \(WindowStatus.failed.sql)), count(*) FILTER (WHERE status = \(WindowStatus.split.sql)),
                   count(*) FILTER (WHERE status = \(WindowStatus.pending.sql) AND lease_until >= now()),
                   count(DISTINCT claimed_by) FILTER (WHERE status = \(WindowStatus.pending.sql) AND lease_until >= now()),
                   coalesce(sum(rows_fetched), 0),
                   to_char(max(updated_at) FILTER (WHERE status = \(WindowStatus.done.sql)) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"')
            FROM \(schema.table("windows")) WHERE run_id = $1
            """, parameters: [String(runId)])
        let row = result.rows.first ?? []
        func int(_ index: Int) -> Int { row.count > index ? row[index].flatMap { Int($0) } ?? 0 : 0 }
        return .init(done: int(0), pending: int(1), failed: int(2), split: int(3), held: int(4), workers: int(5), rowsFetched: int(6),
                     lastCommitAt: row.count > 7 ? row[7] : nil)
    }
}
