import Foundation
import LibPQ

/// The commands that only touch the database: `migrate` and `status`.
public enum AdminOperations {
    /// Creates or upgrades the target and state tables; returns a one-line summary. With
    /// `grantTo`, the role named there gets what a run needs and nothing more (run it as the
    /// owner when the export role may not create its own tables).
    public static func migrate(databaseURL: String, target: TargetTable, state: StateSchema, grantTo role: String? = nil) throws(ExportError) -> String {
        if let role, SQLIdentifier.validated(role) == nil {
            throw .configuration("--grant-to \"\(role)\" is not a plain role name; use letters, digits and underscores")
        }
        let connection = try DatabaseSession.connect(databaseURL)
        defer { connection.close() }
        do {
            let count = try SchemaMigrator(target: target, state: state).migrate(connection, grantTo: role)
            let grants = role.map { "; role \($0) may now export into it (USAGE on the schemas, row privileges on the tables)" } ?? ""
            guard count > 0 else { return "\(target.displayName) and state schema \(state.name) are up to date" }
            return "migrated \(target.displayName)\(target.history ? " (with history)" : "") and state schema \(state.name): \(count) idempotent statements applied\(grants)"
        } catch {
            throw DatabaseSession.describe(error, connectionString: databaseURL)
        }
    }

    /// Recent runs with their windows by status, rows and last error; one run in detail with `runId`.
    public static func status(databaseURL: String, state: StateSchema, runId: Int64?, limit: Int) throws(ExportError) -> String {
        let connection = try DatabaseSession.connect(databaseURL)
        defer { connection.close() }
        do {
            let runs = try connection.execute(
                """
                SELECT r.id, r.pipeline, r.mode, r.status, to_char(r.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
                       to_char(r.range_from AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), to_char(r.range_to AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                       count(w.*) FILTER (WHERE w.status = \(WindowStatus.done.sql)), count(w.*) FILTER (WHERE w.status = \(WindowStatus.pending.sql)),
                       count(w.*) FILTER (WHERE w.status = \(WindowStatus.failed.sql)), coalesce(sum(w.rows_fetched), 0),
                       coalesce(sum(w.rows_inserted + w.rows_updated), 0), coalesce(sum(w.rows_quarantined), 0), r.last_error
                FROM \(state.table("runs")) r LEFT JOIN \(state.table("windows")) w ON w.run_id = r.id
                WHERE ($1::bigint IS NULL OR r.id = $1::bigint)
                GROUP BY r.id ORDER BY r.id DESC LIMIT \(max(1, limit))
                """, parameters: [runId.map(String.init)])
            guard !runs.rows.isEmpty else {
                return runId.map { "no run \($0) in \(state.name).runs" } ?? "no runs recorded in \(state.name).runs yet"
            }
            var lines = ["RUN  PIPELINE      MODE         STATUS       STARTED (UTC)        RANGE                                       DONE  PEND  FAIL  FETCHED  WRITTEN  QUAR"]
            for r in runs.rows {
                func v(_ i: Int) -> String { r[i] ?? "" }
                lines.append(
                    [pad(v(0), 4), pad(v(1), 13), pad(v(2), 12), pad(v(3), 12), pad(v(4), 20), pad(v(5) + " – " + v(6), 43),
                     pad(v(7), 5), pad(v(8), 5), pad(v(9), 5), pad(v(10), 8), pad(v(11), 8), v(12)].joined(separator: " "))
                if let error = r[13], !error.isEmpty { lines.append("     last error: \(error)") }
            }
            if let runId {
                let workers = try connection.execute(
                    """
                    SELECT coalesce(completed_by, claimed_by), count(*) FILTER (WHERE status = \(WindowStatus.done.sql)), coalesce(sum(rows_fetched), 0),
                           count(*) FILTER (WHERE status = \(WindowStatus.pending.sql) AND claimed_by IS NOT NULL AND lease_until >= now()),
                           count(*) FILTER (WHERE status = \(WindowStatus.pending.sql) AND claimed_by IS NOT NULL AND lease_until < now())
                    FROM \(state.table("windows")) WHERE run_id = $1 AND coalesce(completed_by, claimed_by) IS NOT NULL
                    GROUP BY 1 ORDER BY 1
                    """, parameters: [String(runId)])
                for w in workers.rows {
                    lines.append("  worker \(w[0] ?? "?"): \(w[1] ?? "0") windows done, \(w[2] ?? "0") rows, \(w[3] ?? "0") held, \(w[4] ?? "0") stale lease(s)")
                }
                let failed = try connection.execute(
                    """
                    SELECT to_char(window_from AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), to_char(window_to AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                           status, attempts, coalesce(last_error, '')
                    FROM \(state.table("windows")) WHERE run_id = $1 AND status IN \(WindowStatus.sqlList([.failed, .pending])) ORDER BY window_from LIMIT 20
                    """, parameters: [String(runId)])
                for w in failed.rows {
                    lines.append("  window [\(w[0] ?? ""), \(w[1] ?? "")] \(w[2] ?? "") after \(w[3] ?? "0") attempt(s) \(w[4] ?? "")")
                }
            }
            return lines.joined(separator: "\n")
        } catch where SQLState.isMissingObject(error.sqlState) {
            return "no state tables in schema \(state.name) yet; run `customer-export migrate` or a backfill first"
        } catch {
            throw DatabaseSession.describe(error, connectionString: databaseURL)
        }
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
