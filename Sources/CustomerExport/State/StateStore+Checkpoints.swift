import LibPQ
import CustomerExportCommon

/// The writes a loader makes inside a window's transaction, so that a window's data, its
/// quarantine entries, its "done" mark and (for the last window of an incremental run) the
/// watermark commit together or not at all.
extension StateStore {
    /// Serialises completions of one run's windows (other workers block here for a moment), so
    /// the "was this the last window?" check below sees every other completion.
    package func lockRun(_ runId: Int64) throws(PostgresError) {
        _ = try connection.execute("SELECT 1 FROM \(schema.table("runs")) WHERE id = $1 FOR UPDATE", parameters: [runId])
    }

    /// How a statement finds a window's checkpoint row: this condition, with `windowKey` bound
    /// as its first three parameters (a statement's own values follow from `$4`).
    package static let windowKeyCondition = "run_id = $1 AND window_from = $2 AND window_to = $3"

    package func windowKey(_ runId: Int64, _ window: TimeWindow) -> [(any PostgresEncodable)?] {
        [runId, window.from, window.to]
    }

    package func markSplit(runId: Int64, parent: TimeWindow, children: [TimeWindow], worker: String, lease: TimeSpan) throws(PostgresError) {
        try connection.transaction { () throws(PostgresError) in
            _ = try connection.execute(
                "UPDATE \(schema.table("windows")) SET \(WindowTransition.split.setSQL), claimed_by = NULL, lease_until = NULL, updated_at = now() WHERE \(Self.windowKeyCondition) AND \(WindowTransition.split.guardSQL)",
                parameters: windowKey(runId, parent))
            try insertWindows(runId: runId, children, claimedBy: worker, lease: lease)
        }
    }

    package func markDone(runId: Int64, window: TimeWindow, read: WindowReadSummary, load: ExportCounts, worker: String) throws(PostgresError) {
        let result = try connection.execute(
            """
            UPDATE \(schema.table("windows")) SET \(WindowTransition.complete.setSQL), api_total = $4, pages = $5, rows_fetched = $6,
                rows_inserted = $7, rows_updated = $8, rows_unchanged = $9, rows_quarantined = $10,
                attempts = attempts + $11, drift_rereads = $12, last_error = NULL, claimed_by = NULL, lease_until = NULL,
                completed_by = $13, rows_deleted = $14, updated_at = now()
            WHERE \(Self.windowKeyCondition)
            """,
            parameters: windowKey(runId, window) + [
                read.apiTotal, read.pages, read.rowsFetched, load.inserted, load.updated, load.unchanged, read.quarantined,
                read.attempts, read.driftRereads, worker, load.markedDeleted,
            ])
        guard result.rowsAffected == 1 else {
            throw PostgresError(kind: .query, sqlState: nil, message: "window \(window) of run \(runId) has no checkpoint row", detail: nil, hint: nil)
        }
    }

    package func markFailed(runId: Int64, window: TimeWindow, read: WindowReadSummary, reason: String) throws(PostgresError) {
        _ = try connection.execute(
            """
            UPDATE \(schema.table("windows")) SET \(WindowTransition.fail.setSQL), api_total = $4, pages = $5, attempts = attempts + $6,
                drift_rereads = $7, last_error = $8, claimed_by = NULL, lease_until = NULL, updated_at = now()
            WHERE \(Self.windowKeyCondition) AND \(WindowTransition.fail.guardSQL)
            """,
            parameters: windowKey(runId, window) + [
                read.apiTotal, read.pages, read.attempts, read.driftRereads, reason,
            ])
    }

    /// Windows of the run not yet done (split parents count as done: their halves carry the work).
    package func remainingWindows(runId: Int64) throws(PostgresError) -> Int {
        let result = try connection.execute(
            "SELECT count(*) FROM \(schema.table("windows")) WHERE run_id = $1 AND status NOT IN \(WindowStatus.sqlList(WindowStatus.finished))",
            parameters: [runId])
        return try result.decode(Int.self) ?? 0
    }

    /// Moves the watermark forward (never backward) to the end of the run's range.
    package func advanceWatermark(runId: Int64, pipeline: String, target: TargetTable, to watermark: Timestamp) throws(PostgresError) {
        _ = try connection.execute(
            """
            INSERT INTO \(schema.table("watermarks")) (pipeline, target, watermark, run_id) VALUES ($1, $2, $3, $4)
            ON CONFLICT (pipeline, target) DO UPDATE SET watermark = GREATEST(EXCLUDED.watermark, \(schema.table("watermarks")).watermark),
                run_id = EXCLUDED.run_id, updated_at = now()
            """, parameters: [pipeline, target.displayName, watermark, runId])
    }

    /// Quarantine entries are a set: the same bad payload seen again bumps its counters.
    package func recordQuarantine(runId: Int64, window: TimeWindow, target: TargetTable, _ records: [QuarantinedRecord]) throws(PostgresError) {
        for record in records {
            _ = try connection.execute(
                """
                INSERT INTO \(schema.table("quarantine")) (target, run_id, window_from, window_to, source_id, reason, payload, payload_md5)
                VALUES ($1, $2, $3, $4, $5, $6, $7, md5($7))
                ON CONFLICT (target, reason, payload_md5) DO UPDATE SET last_seen_at = now(),
                    times_seen = \(schema.table("quarantine")).times_seen + 1, run_id = EXCLUDED.run_id
                """,
                parameters: [
                    target.displayName, runId, window.from, window.to, record.sourceId,
                    record.reason, String(decoding: record.payload, as: UTF8.self),
                
                ])
        }
    }
}
