import LibPQ

/// What `customer-export status --run ID` and the run listing read: recent runs with their
/// windows by status and rows, who worked on a run, and the windows it has not finished.
extension StateStore {
    package struct RunListing: Sendable, Equatable {
        package var id: String
        package var pipeline: String
        package var mode: String
        package var status: String
        package var startedAt: String
        package var range: String
        package var done: String
        package var pending: String
        package var failed: String
        package var fetched: String
        package var written: String
        package var quarantined: String
        package var lastError: String?
    }

    package struct WorkerTally: Sendable, Equatable {
        package var worker: String
        package var windowsDone: String
        package var rows: String
        package var held: String
        package var staleLeases: String
    }

    package struct UnfinishedWindow: Sendable, Equatable {
        package var from: String
        package var to: String
        package var status: String
        package var attempts: String
        package var lastError: String
    }

    /// The newest runs (or the one `runId`), newest first.
    package func runListings(runId: Int64?, limit: Int) throws(PostgresError) -> [RunListing] {
        let result = try connection.execute(
            """
            SELECT r.id, r.pipeline, r.mode, r.status, to_char(r.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
                   to_char(r.range_from AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), to_char(r.range_to AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   count(w.*) FILTER (WHERE w.status = \(WindowStatus.done.sql)), count(w.*) FILTER (WHERE w.status = \(WindowStatus.pending.sql)),
                   count(w.*) FILTER (WHERE w.status = \(WindowStatus.failed.sql)), coalesce(sum(w.rows_fetched), 0),
                   coalesce(sum(w.rows_inserted + w.rows_updated), 0), coalesce(sum(w.rows_quarantined), 0), r.last_error
            FROM \(schema.table("runs")) r LEFT JOIN \(schema.table("windows")) w ON w.run_id = r.id
            WHERE ($1::bigint IS NULL OR r.id = $1::bigint)
            GROUP BY r.id ORDER BY r.id DESC LIMIT \(max(1, limit))
            """, parameters: [runId])
        return result.rows.map { r in
            func v(_ i: Int) -> String { r[i] ?? "" }
            return RunListing(id: v(0), pipeline: v(1), mode: v(2), status: v(3), startedAt: v(4), range: v(5) + " – " + v(6),
                              done: v(7), pending: v(8), failed: v(9), fetched: v(10), written: v(11), quarantined: v(12), lastError: r[13])
        }
    }

    /// Each worker that claimed or completed a window of the run.
    package func workerTallies(runId: Int64) throws(PostgresError) -> [WorkerTally] {
        let result = try connection.execute(
            """
            SELECT coalesce(completed_by, claimed_by), count(*) FILTER (WHERE status = \(WindowStatus.done.sql)), coalesce(sum(rows_fetched), 0),
                   count(*) FILTER (WHERE status = \(WindowStatus.pending.sql) AND claimed_by IS NOT NULL AND lease_until >= now()),
                   count(*) FILTER (WHERE status = \(WindowStatus.pending.sql) AND claimed_by IS NOT NULL AND lease_until < now())
            FROM \(schema.table("windows")) WHERE run_id = $1 AND coalesce(completed_by, claimed_by) IS NOT NULL
            GROUP BY 1 ORDER BY 1
            """, parameters: [runId])
        return result.rows.map { w in
            WorkerTally(worker: w[0] ?? "?", windowsDone: w[1] ?? "0", rows: w[2] ?? "0", held: w[3] ?? "0", staleLeases: w[4] ?? "0")
        }
    }

    /// The run's failed and pending windows, oldest first.
    package func unfinishedWindows(runId: Int64, limit: Int = 20) throws(PostgresError) -> [UnfinishedWindow] {
        let result = try connection.execute(
            """
            SELECT to_char(window_from AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), to_char(window_to AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                   status, attempts, coalesce(last_error, '')
            FROM \(schema.table("windows")) WHERE run_id = $1 AND status IN \(WindowStatus.sqlList([.failed, .pending])) ORDER BY window_from LIMIT \(max(1, limit))
            """, parameters: [runId])
        return result.rows.map { w in
            UnfinishedWindow(from: w[0] ?? "", to: w[1] ?? "", status: w[2] ?? "", attempts: w[3] ?? "0", lastError: w[4] ?? "")
        }
    }
}
