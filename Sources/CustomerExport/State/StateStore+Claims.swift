import LibPQ
import CustomerExportCommon

/// Handing windows out to workers. A window is claimed by stamping `claimed_by` and a lease end
/// on its row, chosen with `FOR UPDATE SKIP LOCKED` so concurrent claimers never wait for or
/// take the same row; a lease that is not renewed expires and the window can be claimed again.
extension StateStore {
    /// Claims the next pending window nobody holds (or whose lease expired), oldest first. A
    /// window this worker itself claimed is never claimed again, even with its lease expired (a
    /// database outage longer than the lease): it may still be in hand here, and reading it twice
    /// at once in one process would mix its pages. The final pass gives such claims back.
    package func claimWindow(runId: Int64, worker: String, lease: TimeSpan, field: WindowField) throws(PostgresError) -> TimeWindow? {
        let windows = schema.table("windows")
        let result = try connection.execute(
            """
            UPDATE \(windows) SET claimed_by = $2, lease_until = now() + make_interval(secs => $3::double precision), updated_at = now()
            WHERE id = (
                SELECT id FROM \(windows)
                WHERE run_id = $1 AND status = \(WindowStatus.pending.sql) AND (claimed_by IS NULL OR (lease_until < now() AND claimed_by <> $2))
                ORDER BY window_from, window_to LIMIT 1
                FOR UPDATE SKIP LOCKED
            )
            RETURNING \(Self.micros("window_from")), \(Self.micros("window_to"))
            """, parameters: [runId, worker, lease.seconds])
        guard let row = result.typedRows.first, let from = try Self.instant(row, 0), let to = try Self.instant(row, 1) else { return nil }
        return TimeWindow(field: field, from: from, to: to)
    }

    /// Renews the leases this worker holds; returns how many rows it still holds.
    @discardableResult
    package func extendLeases(runId: Int64, worker: String, windows: [TimeWindow], lease: TimeSpan) throws(PostgresError) -> Int {
        guard !windows.isEmpty else { return 0 }
        let froms = windows.map(\.from)
        let tos = windows.map(\.to)
        let result = try connection.execute(
            """
            UPDATE \(schema.table("windows")) w SET lease_until = now() + make_interval(secs => $3::double precision)
            FROM unnest($4::timestamptz[], $5::timestamptz[]) AS k(f, t)
            WHERE w.run_id = $1 AND w.claimed_by = $2 AND w.window_from = k.f AND w.window_to = k.t AND w.status = \(WindowStatus.pending.sql)
            """, parameters: [runId, worker, lease.seconds, froms, tos])
        _ = try connection.execute("UPDATE \(schema.table("runs")) SET heartbeat_at = now() WHERE id = $1", parameters: [runId])
        return result.rowsAffected
    }

    /// Gives a window back (the run stopped before finishing it, or the loader lost the
    /// connection holding its staged rows), so it is claimed and read again. Returns whether it
    /// was still pending and this worker's.
    @discardableResult
    package func releaseClaim(runId: Int64, window: TimeWindow, worker: String) throws(PostgresError) -> Bool {
        let result = try connection.execute(
            """
            UPDATE \(schema.table("windows")) SET claimed_by = NULL, lease_until = NULL
            WHERE \(Self.windowKeyCondition) AND claimed_by = $4 AND status = \(WindowStatus.pending.sql)
            """, parameters: windowKey(runId, window) + [worker])
        return result.rowsAffected == 1
    }

    /// Before the end-of-run pass: failed windows become pending again, and claims this worker
    /// still holds on pending windows (none is in hand between passes) are given back, such as a
    /// claim whose answer was lost with a connection.
    package func prepareFinalPass(runId: Int64, worker: String) throws(PostgresError) {
        try retryFailedWindows(runId: runId)
        try releaseClaims(runId: runId, worker: worker)
    }

    /// Gives back every pending window this worker holds: at the end of a run that did not
    /// finish (a signal, a failure), so the next run or another worker claims them at once
    /// instead of waiting for the lease to run out.
    package func releaseClaims(runId: Int64, worker: String) throws(PostgresError) {
        _ = try connection.execute(
            "UPDATE \(schema.table("windows")) SET claimed_by = NULL, lease_until = NULL WHERE run_id = $1 AND status = \(WindowStatus.pending.sql) AND claimed_by = $2",
            parameters: [runId, worker])
    }

    /// Pending windows another worker holds under a live lease: wait for them, they may come back.
    package func windowsHeldByOthers(runId: Int64, worker: String) throws(PostgresError) -> Int {
        let result = try connection.execute(
            """
            SELECT count(*) FROM \(schema.table("windows"))
            WHERE run_id = $1 AND status = \(WindowStatus.pending.sql) AND claimed_by IS NOT NULL AND claimed_by <> $2 AND lease_until >= now()
            """, parameters: [runId, worker])
        return try result.decode(Int.self) ?? 0
    }

    /// Workers holding at least one live lease on the run, for sharing a global request rate.
    package func activeWorkers(runId: Int64) throws(PostgresError) -> Int {
        let result = try connection.execute(
            "SELECT count(DISTINCT claimed_by) FROM \(schema.table("windows")) WHERE run_id = $1 AND status = \(WindowStatus.pending.sql) AND lease_until >= now()",
            parameters: [runId])
        return try result.decode(Int.self) ?? 0
    }

    /// Failed windows become pending again when a run is resumed or a worker starts.
    package func retryFailedWindows(runId: Int64) throws(PostgresError) {
        _ = try connection.execute(
            "UPDATE \(schema.table("windows")) SET \(WindowTransition.retry.setSQL), claimed_by = NULL, lease_until = NULL WHERE run_id = $1 AND \(WindowTransition.retry.guardSQL)",
            parameters: [runId])
    }

    /// Inside a completion transaction: locks the window's row and returns its id, the load id
    /// of the rows the commit writes, when this worker may still complete it (not done already,
    /// and not taken over by another worker's claim); nil otherwise.
    package func loadId(completing runId: Int64, window: TimeWindow, worker: String) throws(PostgresError) -> Int64? {
        let result = try connection.execute(
            """
            SELECT id, status, claimed_by FROM \(schema.table("windows"))
            WHERE \(Self.windowKeyCondition) FOR UPDATE
            """, parameters: windowKey(runId, window))
        guard let row = result.rows.first, row[1] == "pending", row[2] == nil || row[2] == worker else { return nil }
        return try result.decode(Int64.self)
    }
}
