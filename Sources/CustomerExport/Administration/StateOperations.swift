import Foundation
import LibPQ
import CustomerExportCommon
import CustomerExportState
import CustomerExportReporting

/// `customer-export status` and `customer-export state`: see where each pipeline stands, and
/// move, reset or forget what the state tables hold (after restoring a table from a backup,
/// say), never while a run of that pipeline is active.
package enum StateOperations {
    /// Every pipeline the state knows, with what an active run is doing.
    package static func status(databaseURL: String, state: StateSchema) throws(ExportError) -> [PipelineStatus] {
        try withConnection(databaseURL) { connection throws(PostgresError) in
            try PipelineStatus.all(in: StateStore(schema: state, connection: connection)) { pipeline, target throws(PostgresError) in
                try isLocked(connection, DatabaseSession.lockKey(state: state, targetName: target, pipeline: pipeline))
            }
        } missing: { [] }
    }

    /// Moves a pipeline's watermark to `value` (its next incremental run starts there, minus the look-back).
    package static func setWatermark(databaseURL: String, state: StateSchema, pipeline: String, target: String?, to value: Timestamp) throws(ExportError) -> String {
        try changing(databaseURL, state, pipeline: pipeline, target: target) { connection, target throws(PostgresError) in
            try StateStore(schema: state, connection: connection).setWatermark(pipeline: pipeline, target: target, to: value)
            return "the watermark of \(pipeline) → \(target) is now \(value.rfc3339); its next incremental run starts there, minus the look-back"
        }
    }

    /// Removes a pipeline's watermark: its next incremental run starts at the pipeline's `start`.
    package static func resetWatermark(databaseURL: String, state: StateSchema, pipeline: String, target: String?) throws(ExportError) -> String {
        try changing(databaseURL, state, pipeline: pipeline, target: target) { connection, target throws(PostgresError) in
            let removed = try StateStore(schema: state, connection: connection).removeWatermark(pipeline: pipeline, target: target)
            return !removed
                ? "\(pipeline) → \(target) had no watermark; nothing changed"
                : "the watermark of \(pipeline) → \(target) is removed; its next incremental run starts at the pipeline's start (or --start)"
        }
    }

    /// Forgets a run, so the next identical command starts it afresh. Its rows stay in the
    /// target, its committed windows stay as loads for downstream jobs, and its quarantine
    /// entries stay too (`StateStore.forgetRun`).
    package static func forgetRun(databaseURL: String, state: StateSchema, runId: Int64) throws(ExportError) -> String {
        let found = try withConnection(databaseURL) { connection throws(PostgresError) -> (pipeline: String, target: String)? in
            try StateStore(schema: state, connection: connection).pipelineAndTarget(ofRun: runId)
        } missing: { nil }
        guard let (pipeline, target) = found else {
            throw .configuration("there is no run \(runId) in \(state.name).runs; `customer-export status` lists them")
        }
        return try changing(databaseURL, state, pipeline: pipeline, target: target) { connection, _ throws(PostgresError) in
            let store = StateStore(schema: state, connection: connection)
            let count = try store.heldWindowCount(runId: runId)
            if count > 0 {
                throw PostgresError(kind: .query, sqlState: SQLState.objectInUse, message: "run \(runId) has \(count) window(s) in the hands of a worker; stop its workers or wait for their leases to end")
            }
            let forgotten = try store.forgetRun(runId)
            return "run \(runId) of \(pipeline) → \(target) is forgotten: \(forgotten.removed) unfinished window(s) removed, "
                + "\(forgotten.kept) committed window(s) kept as loads for downstream jobs; the rows it loaded stay in \(target)"
        }
    }

    /// Runs `change` in a transaction under the pipeline's lock; refuses (exit 6) while a run of
    /// the pipeline holds it.
    private static func changing(
        _ databaseURL: String, _ state: StateSchema, pipeline: String, target: String?,
        _ change: (PostgresConnection, String) throws(PostgresError) -> String
    ) throws(ExportError) -> String {
        let connection = try DatabaseSession.connect(databaseURL)
        defer { connection.close() }
        let target = try resolveTarget(connection, state, pipeline: pipeline, given: target, databaseURL: databaseURL)
        let key = DatabaseSession.lockKey(state: state, targetName: target, pipeline: pipeline)
        do {
            guard try DatabaseSession.acquireLock(connection, key: key, wait: false) else {
                throw ExportError.locked("a run of pipeline \"\(pipeline)\" into \(target) is active; wait for it to finish (`customer-export status` shows it), then try again")
            }
            defer { DatabaseSession.releaseLock(connection, key: key) }
            return try connection.transaction { () throws(PostgresError) -> String in try change(connection, target) }
        } catch let error as ExportError {
            throw error
        } catch let error as PostgresError where error.sqlState == SQLState.objectInUse {
            throw .locked(error.message)
        } catch let error as PostgresError {
            throw DatabaseSession.describe(error, connectionString: databaseURL)
        } catch {
            throw .database("\(error)")
        }
    }

    /// `schema.table` of the pipeline: the one given, or the only one its runs and watermark name.
    private static func resolveTarget(
        _ connection: PostgresConnection, _ state: StateSchema, pipeline: String, given: String?, databaseURL: String
    ) throws(ExportError) -> String {
        if let given {
            guard given.split(separator: ".").count == 2 else { throw .configuration("--target \"\(given)\" must be schema.table, e.g. public.customers") }
            return given
        }
        let targets: [String]
        do {
            targets = try StateStore(schema: state, connection: connection).targets(ofPipeline: pipeline)
        } catch where SQLState.isMissingObject(error.sqlState) {
            throw .configuration("no state tables in schema \(state.name) yet; run `customer-export migrate` or a first run")
        } catch {
            throw DatabaseSession.describe(error, connectionString: databaseURL)
        }
        guard targets.count == 1, let target = targets.first else {
            throw .configuration(targets.isEmpty
                ? "pipeline \"\(pipeline)\" has no runs and no watermark in \(state.name); pass --target schema.table"
                : "pipeline \"\(pipeline)\" writes to several targets (\(targets.joined(separator: ", "))); pass --target schema.table")
        }
        return target
    }

    private static func isLocked(_ connection: PostgresConnection, _ key: String) throws(PostgresError) -> Bool {
        guard try DatabaseSession.acquireLock(connection, key: key, wait: false) else { return true }
        DatabaseSession.releaseLock(connection, key: key)
        return false
    }

    /// One connection for a read; `missing` answers when the state tables do not exist yet.
    private static func withConnection<T>(
        _ databaseURL: String, _ body: (PostgresConnection) throws(PostgresError) -> T, missing: () -> T
    ) throws(ExportError) -> T {
        let connection = try DatabaseSession.connect(databaseURL)
        defer { connection.close() }
        do {
            return try body(connection)
        } catch where SQLState.isMissingObject(error.sqlState) {
            return missing()
        } catch {
            throw DatabaseSession.describe(error, connectionString: databaseURL)
        }
    }
}
