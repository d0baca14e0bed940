import LibPQ
import CustomerExportCommon

/// The writes a loader makes inside a window's transaction, so that a window's data, its
/// quarantine entries, its "done" mark and (for the last window of an incremental run) the
/// watermark commit together or not at all.
extension StateStore {
    /// Serialises completions of one run's windows (other workers block here for a moment), so
    /// the "was this the last window?" check below sees every other completion.
    public func lockRun(_ runId: Int64) throws(PostgresError) {
        _ = try connection.execute("SELECT 1 FROM \(schema.table("runs")) WHERE id = $1 FOR UPDATE", parameters: [String(runId)])
    }

    package func windowKey(_ runId: Int64, _ window: TimeWindow) -> [String?] {
        [String(runId), window.from.rfc3339, window.to.rfc3339]
    }

    public func markSplit(runId: Int64, parent: TimeWindow, children: [TimeWindow], worker: String, lease: TimeSpan) throws(PostgresError) {
        try connection.transaction { () throws(PostgresError) in
            _ = try connection.execute(
                "UPDATE \(schema.table("windows")) SET \(WindowTransition.split.setSQL), claimed_by = NULL, lease_until = NULL, updated_at = now() WHERE run_id = $1 AND window_from = $2 AND window_to = $3 AND \(WindowTransition.split.guardSQL)",
                parameters: windowKey(runId, parent))
            try insertWindows(runId: runId, children, claimedBy: worker, lease: lease)
        }
    }

    public func markDone(runId: Int64, window: TimeWindow, read: WindowReadSummary, load: ExportCounts, worker: String) throws(PostgresError) {
        let result = try connection.execute(
            """
            UPDATE \(schema.table("windows")) SET \(WindowTransition.complete.setSQL), api_total = $4, pages = $5, rows_fetched = $6,
                rows_inserted = $7, rows_updated = $8, rows_unchanged = $9, rows_quarantined = $10,
                attempts = attempts + $11, drift_rereads = $12, last_error = NULL, claimed_by = NULL, lease_until = NULL,
                completed_by = $13, rows_deleted = $14, updated_at = now()
            WHERE run_id = $1 AND window_from = $2 AND window_to = $3
            """,
            parameters: windowKey(runId, window) + [
                read.apiTotal.map(String.init), String(read.pages), String(read.rowsFetched), String(load.inserted),
                String(load.updated), String(load.unchanged), String(read.quarantined), String(read.attempts),
                String(read.driftRereads), worker, String(load.markedDeleted),
            ])
        guard result.rowsAffected == 1 else {
            throw PostgresError(kind: .query, sqlState: nil, message: "window \(window) of run \(runId) has no checkpoint row", detail: nil, hint: nil)
        }
    }

    public func markFailed(runId: Int64, window: TimeWindow, read: WindowReadSummary, reason: String) throws(PostgresError) {
        _ = try connection.execute(
            """
            UPDATE \(schema.table("windows")) SET \(WindowTransition.fail.setSQL), api_total = $4, pages = $5, attempts = attempts + $6,
                drift_rereads = $7, last_error = $8, claimed_by = NULL, lease_until = NULL, updated_at = now()
            WHERE run_id = $1 AND window_from = $2 AND window_to = $3 AND \(WindowTransition.fail.guardSQL)
            """,
            parameters: windowKey(runId, window) + [
                read.apiTotal.map(String.init), String(read.pages), String(read.attempts), String(read.driftRereads), reason,
            ])
    }

    /// Windows of the run not yet done (split parents count as done: their halves carry the work).
    public func remainingWindows(runId: Int64) throws(PostgresError) -> Int {
        let result = try connection.execute(
            "SELECT count(*) FROM \(schema.table("windows")) WHERE run_id = $1 AND status NOT IN \(WindowStatus.sqlList(WindowStatus.finished))",
            parameters: [String(runId)])
        return result.rows.first?[0].flatMap { Int($0) } ?? 0
    }

    /// Moves the watermark forward (never backward) to the end of the run's range.
    public func advanceWatermark(runId: Int64, pipeline: String, target: TargetTable, to watermark: Timestamp) throws(PostgresError) {
        _ = try connection.execute(
            """
            INSERT INTO \(schema.table("watermarks")) (pipeline, target, watermark, run_id) VALUES ($1, $2, $3, $4)
            ON CONFLICT (pipeline, target) DO UPDATE SET watermark = GREATEST(EXCLUDED.watermark, \(schema.table("watermarks")).watermark),
                run_id = EXCLUDED.run_id, updated_at = now()
            """, parameters: [pipeline, target.displayName, watermark.rfc3339, String(runId)])
    }

    /// Quarantine entries are a set: the same bad payload seen again bumps its counters.
    public func recordQuarantine(runId: Int64, window: TimeWindow, target: TargetTable, _ records: [QuarantinedRecord]) throws(PostgresError) {
        for record in records {
            _ = try connection.execute(
                """
                INSERT INTO \(schema.table("quarantine")) (target, run_id, window_from, window_to, source_id, reason, payload, payload_md5)
                VALUES ($1, $2, $3, $4, $5, $6, $7, md5($7))
                ON CONFLICT (target, reason, payload_md5) DO UPDATE SET last_seen_at = now(),
                    times_seen = \(schema.table("quarantine")).times_seen + 1, run_id = EXCLUDED.run_id
                """,
                parameters: [
                    target.displayName, String(runId), window.from.rfc3339, window.to.rfc3339, record.sourceId,
                    record.reason, String(decoding: record.payload, as: UTF8.self),
                ])
        }
    }
}
