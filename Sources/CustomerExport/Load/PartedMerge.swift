import LibPQ
import CustomerExportCommon

/// Merges a window's staged rows in parts, each under a savepoint, when the merge of the whole
/// window failed on a value or ran out of `statement_timeout`.
///
/// Why: the normalizer refuses what PostgreSQL's types refuse, but a target table may also carry
/// rules the export cannot know (a `CHECK`, a trigger, a domain, a second unique key a DBA added),
/// and a role may have a `statement_timeout` shorter than one window's merge. Either would fail
/// the window on every run. Here the rows are merged by ranges of ids, halving a range whose
/// merge fails, down to single ids: an id PostgreSQL refuses (SQLSTATE class 22 or 23) is
/// quarantined with the server's message and its record; a range that still runs out of time as a
/// single id ends the window with a message naming `statement_timeout`. Everything happens in the
/// window's own transaction, so data and checkpoint still commit together.
package struct PartedMerge {
    package let target: TargetTable
    package let stagingTable: String
    /// The window's checkpoint row, written into `load_id` (`MergeStatement`).
    package let loadId: Int64?

    package init(target: TargetTable, stagingTable: String, loadId: Int64?) {
        self.target = target
        self.stagingTable = stagingTable
        self.loadId = loadId
    }

    private static let savepoint = "customer_export_part"
    private static let partTable = "pg_temp.customer_export_part"

    /// Whether `error` is one a merge in parts can get around: a value the target refuses, or a
    /// statement cancelled by `statement_timeout` (our own cancel requests come with a stopping run).
    package static func canHelp(with error: PostgresError, stopping: Bool) -> Bool {
        if error.sqlState == SQLState.queryCanceled { return !stopping }
        return SQLState.isDataError(error.sqlState)
    }

    /// Merges every staged row it can; returns the counts and one quarantine entry per refused id.
    package func run(on connection: PostgresConnection) throws(PostgresError) -> (load: ExportCounts, refused: [QuarantinedRecord]) {
        let staged = try connection.execute("SELECT DISTINCT id FROM \(stagingTable) ORDER BY id")
        var ids: [Int64] = []
        for row in staged.typedRows { if let id = try row.decode(Int64.self, 0) { ids.append(id) } }
        var load = ExportCounts()
        var refused: [QuarantinedRecord] = []
        var pending: [ArraySlice<Int64>] = ids.isEmpty ? [] : Self.halves(ids[...])
        while let part = pending.popLast() {
            guard let low = part.first, let high = part.last else { continue }
            _ = try connection.execute("CREATE TEMP TABLE \(Self.partTable) AS SELECT * FROM \(stagingTable) WHERE id BETWEEN \(low) AND \(high)")
            defer { _ = try? connection.execute("DROP TABLE IF EXISTS \(Self.partTable)") }
            _ = try connection.execute("SAVEPOINT \(Self.savepoint)")
            do throws(PostgresError) {
                load += try WindowMerge(target: target, stagingTable: Self.partTable, newRowsFirst: NewRowsFirst(minConflicts: 0), loadId: loadId).run(on: connection)
                _ = try connection.execute("RELEASE SAVEPOINT \(Self.savepoint)")
            } catch where Self.canHelp(with: error, stopping: false) {
                _ = try connection.execute("ROLLBACK TO SAVEPOINT \(Self.savepoint)")
                if part.count > 1 {
                    pending += Self.halves(part).reversed()
                } else if error.sqlState == SQLState.queryCanceled {
                    throw PostgresError(
                        kind: .query, sqlState: error.sqlState,
                        message: "merging the single customer \(low) took longer than the role's statement_timeout; raise statement_timeout for this role (ALTER ROLE ... SET statement_timeout), or ask why the target is this slow (triggers, locks)")
                } else {
                    refused.append(try quarantineEntry(id: low, error, on: connection))
                }
            }
        }
        return (load, refused)
    }

    private static func halves(_ ids: ArraySlice<Int64>) -> [ArraySlice<Int64>] {
        guard ids.count > 1 else { return [ids] }
        let middle = ids.startIndex + ids.count / 2
        return [ids[..<middle], ids[middle...]]
    }

    private func quarantineEntry(id: Int64, _ error: PostgresError, on connection: PostgresConnection) throws(PostgresError) -> QuarantinedRecord {
        let raw = try connection.execute(
            "SELECT raw::text FROM \(stagingTable) WHERE id = \(id) ORDER BY updated_at DESC LIMIT 1").rows.first?.first ?? nil
        let detail = [error.message, error.detail].compactMap { $0 }.joined(separator: ": ")
        return QuarantinedRecord(
            sourceId: String(id), reason: "the target table refused the record (SQLSTATE \(error.sqlState ?? "?")): \(detail)",
            payload: Array((raw ?? "").utf8))
    }
}
