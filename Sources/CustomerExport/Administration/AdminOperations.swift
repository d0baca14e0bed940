import Foundation
import LibPQ
import CustomerExportCommon
import CustomerExportState

/// The commands that only touch the database: `migrate` and `status`.
package enum AdminOperations {
    /// Creates or upgrades the target and state tables; returns a one-line summary. With
    /// `grantTo`, the role named there gets what a run needs and nothing more (run it as the
    /// owner when the export role may not create its own tables).
    package static func migrate(databaseURL: String, target: TargetTable, state: StateSchema, grantTo role: String? = nil) throws(ExportError) -> String {
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
    package static func status(databaseURL: String, state: StateSchema, runId: Int64?, limit: Int) throws(ExportError) -> String {
        let connection = try DatabaseSession.connect(databaseURL)
        defer { connection.close() }
        do {
            let store = StateStore(schema: state, connection: connection)
            let runs = try store.runListings(runId: runId, limit: limit)
            guard !runs.isEmpty else {
                return runId.map { "no run \($0) in \(state.name).runs" } ?? "no runs recorded in \(state.name).runs yet"
            }
            var lines = ["RUN  PIPELINE      MODE         STATUS       STARTED (UTC)        RANGE                                       DONE  PEND  FAIL  FETCHED  WRITTEN  QUAR"]
            for r in runs {
                lines.append(
                    [pad(r.id, 4), pad(r.pipeline, 13), pad(r.mode, 12), pad(r.status, 12), pad(r.startedAt, 20), pad(r.range, 43),
                     pad(r.done, 5), pad(r.pending, 5), pad(r.failed, 5), pad(r.fetched, 8), pad(r.written, 8), r.quarantined].joined(separator: " "))
                if let error = r.lastError, !error.isEmpty { lines.append("     last error: \(error)") }
            }
            if let runId {
                for w in try store.workerTallies(runId: runId) {
                    lines.append("  worker \(w.worker): \(w.windowsDone) windows done, \(w.rows) rows, \(w.held) held, \(w.staleLeases) stale lease(s)")
                }
                for w in try store.unfinishedWindows(runId: runId) {
                    lines.append("  window [\(w.from), \(w.to)] \(w.status) after \(w.attempts) attempt(s) \(w.lastError)")
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
