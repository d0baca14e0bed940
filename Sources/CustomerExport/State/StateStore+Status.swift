import LibPQ

/// What `customer-export status` reads from the state tables: each pipeline's newest run, its
/// windows by status, and the watermarks. Times come back as text in UTC, as status shows them.
extension StateStore {
    /// The newest run of one pipeline into one target.
    package struct LatestRun: Sendable, Equatable {
        package var pipeline: String
        package var target: String
        package var id: Int64
        package var mode: String
        package var status: String
        package var startedAt: String
        package var finishedAt: String?
        /// `createdAt [from, to)`.
        package var range: String
        /// The filters the run was planned with, as stored in its parameters (JSON).
        package var filtersJSON: String?
        package var lastError: String?
        package var heartbeatAt: String?
    }

    package struct StoredWatermark: Sendable, Equatable {
        package var pipeline: String
        package var target: String
        package var value: String
        package var movedAt: String
        package var byRun: Int64?
    }

    package static func utcText(_ column: String) -> String { "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS \"UTC\"')" }
    package static func isoText(_ column: String) -> String { "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')" }

    /// The newest run of every pipeline/target pair. A `quarantine retry` batch is recorded as a
    /// run (it is a load), but it is not the pipeline's last run: the nights' runs are.
    package func latestRuns() throws(PostgresError) -> [LatestRun] {
        let (time, iso) = (Self.utcText, Self.isoText)
        let result = try connection.execute(
            """
            SELECT DISTINCT ON (pipeline, target) pipeline, target, id, mode, status, \(time("started_at")), \(time("finished_at")),
                   window_field || ' [' || \(iso("range_from")) || ', ' || \(iso("range_to")) || ')', params->'filters', last_error, \(time("heartbeat_at"))
            FROM \(schema.table("runs")) WHERE mode <> '\(Self.retryMode)' ORDER BY pipeline, target, id DESC
            """)
        var runs: [LatestRun] = []
        for row in result.typedRows {
            guard let pipeline = row[0], let target = row[1], let id = try row.decode(Int64.self, 2) else { continue }
            runs.append(LatestRun(pipeline: pipeline, target: target, id: id, mode: row[3] ?? "", status: row[4] ?? "", startedAt: row[5] ?? "",
                                  finishedAt: row[6], range: row[7] ?? "", filtersJSON: row[8], lastError: row[9], heartbeatAt: row[10]))
        }
        return runs
    }

    package func storedWatermarks() throws(PostgresError) -> [StoredWatermark] {
        let result = try connection.execute(
            "SELECT pipeline, target, \(Self.isoText("watermark")), \(Self.utcText("updated_at")), run_id FROM \(schema.table("watermarks"))")
        var watermarks: [StoredWatermark] = []
        for row in result.typedRows {
            guard let pipeline = row[0], let target = row[1] else { continue }
            watermarks.append(StoredWatermark(pipeline: pipeline, target: target, value: row[2] ?? "", movedAt: row[3] ?? "", byRun: try row.decode(Int64.self, 4)))
        }
        return watermarks
    }

    /// One run's windows by status, who holds them, and when the last one committed.
    package func windowTally(runId: Int64) throws(PostgresError) -> RunWindowTally {
        let result = try connection.execute(
            """
            SELECT count(*) FILTER (WHERE status = \(WindowStatus.done.sql)), count(*) FILTER (WHERE status = \(WindowStatus.pending.sql)),
                   count(*) FILTER (WHERE status = \(WindowStatus.failed.sql)), count(*) FILTER (WHERE status = \(WindowStatus.split.sql)),
                   count(*) FILTER (WHERE status = \(WindowStatus.pending.sql) AND lease_until >= now()),
                   count(DISTINCT claimed_by) FILTER (WHERE status = \(WindowStatus.pending.sql) AND lease_until >= now()),
                   coalesce(sum(rows_fetched), 0),
                   \(Self.utcText("max(updated_at) FILTER (WHERE status = \(WindowStatus.done.sql))"))
            FROM \(schema.table("windows")) WHERE run_id = $1
            """, parameters: [runId])
        func int(_ column: Int) throws(PostgresError) -> Int { try result.decode(Int.self, column: column) ?? 0 }
        return RunWindowTally(
            done: try int(0), pending: try int(1), failed: try int(2), split: try int(3), held: try int(4), workers: try int(5),
            rowsFetched: try int(6), lastCommitAt: try result.decode(String.self, column: 7))
    }
}

/// A run's windows by status (`status`, `status --json`).
package struct RunWindowTally: Sendable, Codable, Equatable {
    package var done = 0
    package var pending = 0
    package var failed = 0
    package var split = 0
    /// Pending windows some worker holds under a live lease, and how many workers hold them.
    package var held = 0
    package var workers = 0
    package var rowsFetched = 0
    /// When the run last committed a window.
    package var lastCommitAt: String?

    package init() {}

    package init(done: Int, pending: Int, failed: Int, split: Int, held: Int, workers: Int, rowsFetched: Int, lastCommitAt: String?) {
        (self.done, self.pending, self.failed, self.split) = (done, pending, failed, split)
        (self.held, self.workers, self.rowsFetched, self.lastCommitAt) = (held, workers, rowsFetched, lastCommitAt)
    }
}
