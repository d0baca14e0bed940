import LibPQ
import CustomerExportCommon

/// Moves one window's staged rows into the target, inside the window's transaction: as plain new
/// rows while the run's `NewRowsFirst` says to try and no key exists yet, by `MergeStatement`
/// otherwise. Either way the target ends the same; only the work PostgreSQL does differs.
package struct WindowMerge {
    package let target: TargetTable
    package let stagingTable: String
    package let newRowsFirst: NewRowsFirst
    /// The window's checkpoint row, written into `load_id` (`MergeStatement`).
    package let loadId: Int64?

    private static let savepoint = "customer_export_new_rows"

    /// Returns what reached the target: inserted, updated and unchanged rows, and whether the
    /// window went in as new rows (`windowsInsertedAsNew`).
    package func run(on connection: PostgresConnection) throws(PostgresError) -> ExportCounts {
        let statement = MergeStatement(target: target, stagingTable: stagingTable, loadId: loadId)
        if !target.history, newRowsFirst.shouldTry {
            _ = try connection.execute("SAVEPOINT \(Self.savepoint)")
            do throws(PostgresError) {
                var load = ExportCounts()
                load.inserted = try connection.execute(statement.insertNewRowsSQL).rowsAffected
                load.windowsInsertedAsNew = 1
                _ = try connection.execute("RELEASE SAVEPOINT \(Self.savepoint)")
                newRowsFirst.recordInsertedAsNew()
                return load
            } catch where error.sqlState == SQLState.uniqueViolation {
                // A key already there, or twice in the window: nothing of the insert remains
                // after the rollback, and the merge below settles every row as always.
                _ = try connection.execute("ROLLBACK TO SAVEPOINT \(Self.savepoint)")
                newRowsFirst.recordConflict()
            }
        }
        let counts = try connection.execute(statement.sql)
        var load = ExportCounts()
        load.inserted = try counts.decode(Int.self, column: 0) ?? 0
        load.updated = try counts.decode(Int.self, column: 1) ?? 0
        let incoming = try counts.decode(Int.self, column: 2) ?? 0
        load.unchanged = incoming - load.inserted - load.updated
        return load
    }

    package init(target: TargetTable, stagingTable: String, newRowsFirst: NewRowsFirst, loadId: Int64?) {
        self.target = target
        self.stagingTable = stagingTable
        self.newRowsFirst = newRowsFirst
        self.loadId = loadId
    }
}
