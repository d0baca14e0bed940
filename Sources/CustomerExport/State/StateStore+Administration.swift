import LibPQ
import CustomerExportCommon

/// The changes `customer-export state` makes by hand: move or remove a watermark, forget a run.
/// The caller holds the pipeline's lock and runs each in a transaction (`StateOperations`).
extension StateStore {
    /// Sets a pipeline's watermark; no run moved it, so it names none.
    package func setWatermark(pipeline: String, target: String, to value: Timestamp) throws(PostgresError) {
        _ = try connection.execute(
            """
            INSERT INTO \(schema.table("watermarks")) (pipeline, target, watermark, run_id) VALUES ($1, $2, $3, NULL)
            ON CONFLICT (pipeline, target) DO UPDATE SET watermark = EXCLUDED.watermark, run_id = NULL, updated_at = now()
            """, parameters: [pipeline, target, value])
    }

    /// Removes a pipeline's watermark; false when it had none.
    package func removeWatermark(pipeline: String, target: String) throws(PostgresError) -> Bool {
        try connection.execute(
            "DELETE FROM \(schema.table("watermarks")) WHERE pipeline = $1 AND target = $2", parameters: [pipeline, target]).rowsAffected > 0
    }

    /// The pipeline and target of a run, or nil when there is no such run.
    package func pipelineAndTarget(ofRun runId: Int64) throws(PostgresError) -> (pipeline: String, target: String)? {
        let result = try connection.execute("SELECT pipeline, target FROM \(schema.table("runs")) WHERE id = $1", parameters: [runId])
        guard let row = result.rows.first, let pipeline = row[0], let target = row[1] else { return nil }
        return (pipeline, target)
    }

    /// Pending windows of a run that a worker holds under a live lease.
    package func heldWindowCount(runId: Int64) throws(PostgresError) -> Int {
        let held = try connection.execute(
            "SELECT count(*) FROM \(schema.table("windows")) WHERE run_id = $1 AND status = \(WindowStatus.pending.sql) AND lease_until >= now()",
            parameters: [runId])
        return try held.decode(Int.self) ?? 0
    }

    /// Forgets a run, so that the next identical command starts it afresh: its unfinished windows
    /// go, and the run is marked superseded (as `--restart` marks the run it replaces). Its
    /// committed windows stay, because they are loads (`<state>.loads`) whose rows carry their
    /// ids and which a downstream job may not have read yet; a run with none goes entirely. Its
    /// quarantine entries stay. Returns the windows removed and the loads kept.
    package func forgetRun(_ runId: Int64) throws(PostgresError) -> (removed: Int, kept: Int) {
        let id: [(any PostgresEncodable)?] = [runId]
        let removed = try connection.execute(
            "DELETE FROM \(schema.table("windows")) WHERE run_id = $1 AND status <> \(WindowStatus.done.sql)", parameters: id).rowsAffected
        let kept = try connection.execute("SELECT count(*) FROM \(schema.table("windows")) WHERE run_id = $1", parameters: id)
            .decode(Int.self) ?? 0
        if kept == 0 {
            _ = try connection.execute("DELETE FROM \(schema.table("runs")) WHERE id = $1", parameters: id)
        } else {
            _ = try connection.execute(
                "UPDATE \(schema.table("runs")) SET status = \(RunStatus.superseded.sql), last_error = 'forgotten by state forget-run' WHERE id = $1",
                parameters: id)
        }
        return (removed, kept)
    }

    /// The targets a pipeline's runs and watermark name.
    package func targets(ofPipeline pipeline: String) throws(PostgresError) -> [String] {
        try connection.execute(
            """
            SELECT target FROM \(schema.table("runs")) WHERE pipeline = $1
            UNION SELECT target FROM \(schema.table("watermarks")) WHERE pipeline = $1 ORDER BY 1
            """, parameters: [pipeline]).rows.compactMap { $0[0] }
    }
}

/// Rows `quarantine retry` writes belong to no window of a run, yet downstream jobs must see
/// them as a load like any other: each retried batch is recorded as a run of mode
/// `quarantine-retry` with one window, created and completed in the batch's transaction.
extension StateStore {
    /// The mode retry runs are recorded with; no command resumes them.
    package static let retryMode = "quarantine-retry"

    /// Records the retry's run and its window (pending until `finishRetryLoad`); returns the load id.
    package func beginRetryLoad(pipeline: String, target: TargetTable, window: TimeWindow) throws(PostgresError) -> Int64 {
        let identity = "\(Self.retryMode)|\(target.displayName)|\(Timestamp.now().rfc3339)|\(UInt64.random(in: 0...UInt64.max))"
        let run = try connection.execute(
            """
            INSERT INTO \(schema.table("runs")) (pipeline, identity, mode, window_field, range_from, range_to, target, status, finished_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, \(RunStatus.done.sql), now()) RETURNING id
            """, parameters: [pipeline, identity, Self.retryMode, window.field.rawValue, window.from, window.to, target.displayName])
        let runId = try run.decode(Int64.self)
        let load = try connection.execute(
            "INSERT INTO \(schema.table("windows")) (run_id, window_from, window_to) VALUES ($1, $2, $3) RETURNING id",
            parameters: [runId, window.from, window.to])
        guard let id = try load.decode(Int64.self) else {
            throw PostgresError(kind: .query, sqlState: nil, message: "INSERT ... RETURNING id returned no row", detail: nil, hint: nil)
        }
        return id
    }

    /// Completes the retry's window with what it wrote.
    package func finishRetryLoad(_ loadId: Int64, inserted: Int, updated: Int) throws(PostgresError) {
        _ = try connection.execute(
            """
            UPDATE \(schema.table("windows")) SET status = \(WindowStatus.done.sql), rows_inserted = $2, rows_updated = $3, updated_at = now()
            WHERE id = $1
            """, parameters: [loadId, inserted, updated])
    }
}
