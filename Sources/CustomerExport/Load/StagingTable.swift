import LibPQ
import CustomerExportCommon

/// Rows on their way into the target: a temporary table shaped like the row, filled by COPY,
/// merged whole (`WindowMerge`) or by ranges of ids (`PartedMerge`), then dropped, all on one
/// connection and in the caller's transaction. The loader keeps one per window; `quarantine
/// retry` makes one per batch of ids. So a record reaches the table one way only.
package struct StagingTable {
    package let name: String

    package static func create(_ name: String, on connection: PostgresConnection) throws(PostgresError) -> StagingTable {
        _ = try connection.execute(MergeStatement.createStaging(named: name))
        return StagingTable(name: name)
    }

    /// Merges the staged rows into `target`. `inParts` merges by ranges of ids and returns the
    /// records the target refuses (a CHECK, a trigger) instead of failing on them.
    package func merge(into target: TargetTable, inParts: Bool, newRowsFirst: NewRowsFirst, loadId: Int64?, on connection: PostgresConnection)
        throws(PostgresError) -> (load: ExportCounts, refused: [QuarantinedRecord])
    {
        if inParts {
            let parted = try PartedMerge(target: target, stagingTable: name, loadId: loadId).run(on: connection)
            return (parted.load, parted.refused)
        }
        return (try WindowMerge(target: target, stagingTable: name, newRowsFirst: newRowsFirst, loadId: loadId).run(on: connection), [])
    }

    package func drop(on connection: PostgresConnection) throws(PostgresError) {
        _ = try connection.execute("DROP TABLE IF EXISTS \(name)")
    }

    /// Rows that belong to no window (`quarantine retry`): staged, merged and dropped.
    package static func merge(_ rows: [CustomerRow], into target: TargetTable, inParts: Bool, loadId: Int64?, on connection: PostgresConnection)
        throws(PostgresError) -> (load: ExportCounts, refused: [QuarantinedRecord])
    {
        let staging = try create("pg_temp.customer_export_retry", on: connection)
        var bytes: [UInt8] = []
        for row in rows { CustomerColumns.encode(row, to: &bytes) }
        _ = try StagingCopy.copy([bytes], into: staging.name, on: connection)
        let merged = try staging.merge(into: target, inParts: inParts, newRowsFirst: NewRowsFirst(minConflicts: 0), loadId: loadId, on: connection)
        try staging.drop(on: connection)
        return merged
    }
}
