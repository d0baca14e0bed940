import LibPQ
import CustomerExportCommon

/// Reconcile's extra step in a window's transaction: rows whose `created_at` lies in the window
/// but whose id the API did not return in a read of it that accounted for itself are marked
/// `deleted_at = now()`. The loader runs it only when completing a window, and the reader
/// completes one only on that evidence (`WindowReader.accounts`): an end proven by an empty page
/// or by a short page ending at its own total, every offset before it asked for, and distinct
/// records equal to a total that held still (or, without one, two reads agreeing).
/// Never a hard delete: reports keep history, and a customer that reappears has `deleted_at`
/// cleared by the merge. Ids quarantined in this read are left alone: a broken record is not a
/// deleted customer. With history kept, the marked customers' open history rows are closed at
/// the same instant, so "as of a date" queries see the deletion.
package struct DeletionMarker {
    package let target: TargetTable
    /// The window's staged rows, or nil when the API returned none.
    package let stagingTable: String?
    /// The window's checkpoint row: a marked row carries it in `load_id`, so downstream jobs see
    /// the deletion as that commit's change.
    package let loadId: Int64?

    package init(target: TargetTable, stagingTable: String?, loadId: Int64?) {
        self.target = target
        self.stagingTable = stagingTable
        self.loadId = loadId
    }

    package func mark(window: TimeWindow, rangeEnd: Timestamp, quarantined: [QuarantinedRecord], on connection: PostgresConnection) throws(PostgresError) -> Int {
        let seen = stagingTable.map { "AND NOT EXISTS (SELECT 1 FROM \($0) s WHERE s.id = t.id)" } ?? ""
        let broken = quarantined.compactMap { $0.sourceId.flatMap { Int64($0) } }
        let marking = """
            UPDATE \(target.qualifiedName) AS t SET deleted_at = now(), load_id = \(loadId.map(String.init) ?? "NULL")::bigint
            WHERE \(TargetTable.liveInWindow(alias: "t", from: "$1", to: "$2", end: "$3"))
              AND NOT t.id = ANY($4::bigint[]) \(seen)
            RETURNING t.id
            """
        let parameters: [(any PostgresEncodable)?] = [window.from, window.to, rangeEnd, broken]
        guard target.history else { return try connection.execute(marking, parameters: parameters).rowsAffected }
        let result = try connection.execute(
            """
            WITH marked AS (\(marking)), closed AS (
                UPDATE \(target.historyName) AS h SET valid_to = now()
                FROM marked m WHERE h.id = m.id AND h.valid_to IS NULL
            )
            SELECT count(*) FROM marked
            """, parameters: parameters)
        return try result.decode(Int.self) ?? 0
    }
}
