import LibPQ
import CustomerExportCommon

/// Compares one window's API records with the table's live rows in PostgreSQL itself: the
/// records' instants are sent as text and cast there, so `updatedAt` is rounded to the
/// microsecond exactly as the load rounded it, and equal means equal.
///
/// By key first: the records' ids are looked up through the primary key (missing, stale, and how
/// many live rows they match), and the table's count of the window's live rows, taken before the
/// reads, says whether any row is left over. Only then, when rows are left over (or no count was
/// taken), is the window's range scanned for the extra rows themselves: the target has no index
/// on `created_at`, and a scan of a 1,000,000-row table per piece made reading every window
/// 2.6 times slower than the backfill that wrote them.
package struct WindowComparison {
    package let target: TargetTable
    package let filter: TableFilter
    package let rangeEnd: Timestamp
    /// When the verify started: a record updated after it changed during the verify.
    package let startedAt: Timestamp

    /// How long before the start an update still counts as live. Sources stamp `updatedAt` at
    /// whole seconds, or in other fractions cut short (the simulator does both), and their clock
    /// is not ours: an update made just after the start can carry an instant just before it.
    package static let clockAllowance = TimeSpan.seconds(2)

    package init(target: TargetTable, filter: TableFilter, rangeEnd: Timestamp, startedAt: Timestamp) {
        self.target = target
        self.filter = filter
        self.rangeEnd = rangeEnd
        self.startedAt = startedAt
    }

    /// The differences, and the ids of up to `extraIds` extra rows (all of them, for a lookup).
    /// `tableRows` is the window's live rows as counted before the reads, if they were.
    package func compare(
        _ window: TimeWindow, _ api: WindowRecords, tableRows: Int? = nil, extraIds: Int = WindowDifferences.exampleLimit,
        on connection: PostgresConnection
    ) throws(PostgresError) -> (differences: WindowDifferences, extraIds: [Int64]) {
        var differences = WindowDifferences()
        var ids: [Int64] = []
        var instants: [Timestamp?] = []
        let changedAfter = startedAt.adding(nanoseconds: -Self.clockAllowance.nanoseconds)
        ids.reserveCapacity(api.records.count)
        instants.reserveCapacity(api.records.count)
        for (id, updatedAt) in api.records {
            ids.append(id)
            // A record changed since the verify started is still looked for, but its version is
            // not compared: the table cannot have it yet.
            if updatedAt > changedAfter {
                differences.changedDuringVerify += 1
                instants.append(nil)
            } else {
                instants.append(updatedAt)
            }
        }
        let rejected = api.rejectedIds.filter { api.records[$0] == nil }
        differences.quarantined = rejected.count
        differences.unidentified = api.unidentified
        let condition = filter.predicate(alias: "t", firstParameter: 7)
        let parameters: [(any PostgresEncodable)?] = [ids, instants, window.from, window.to, rangeEnd, Array(rejected)] + condition.parameters
        let live = TargetTable.liveInWindow(alias: "t", from: "$3", to: "$4", end: "$5") + condition.sql
        if let tableRows {
            let keyed = try connection.execute(byKey(live), parameters: parameters)
            var matched = 0
            for row in keyed.typedRows {
                if row[0] == "matched" { matched += try row.decode(Int.self, 1) ?? 0 } else { try Self.absorb(row, into: &differences) }
            }
            // Every live row of the window is one of the API's records, or one whose record runs
            // quarantine: nothing is extra, and no scan is needed.
            if matched == tableRows { return (differences, []) }
        }
        var extras: [Int64] = []
        for row in try connection.execute(byScan(live, extraIds: extraIds), parameters: parameters).typedRows {
            if row[0] == "extra" { extras = try row.decode([Int64].self, 2) ?? [] }
            try Self.absorb(row, into: &differences)
        }
        return (differences, extras)
    }

    /// Missing and stale through the primary key, and the live rows the records and the
    /// quarantined ids match (`matched`).
    private func byKey(_ live: String) -> String {
        """
        WITH api AS (
            SELECT * FROM unnest($1::bigint[], $2::timestamptz[]) AS api(id, updated_at)
        ), tbl AS (
            SELECT t.id, t.updated_at FROM \(target.qualifiedName) t JOIN api a ON t.id = a.id WHERE \(live)
        ), found AS (
            SELECT 'missing' AS kind, a.id FROM api a WHERE NOT EXISTS (SELECT 1 FROM tbl WHERE tbl.id = a.id)
            UNION ALL
            SELECT 'stale', a.id FROM api a JOIN tbl t ON t.id = a.id WHERE a.updated_at <> t.updated_at
        )
        SELECT kind, count(*), (array_agg(id ORDER BY id))[1:\(WindowDifferences.exampleLimit)]::text FROM found GROUP BY kind
        UNION ALL
        SELECT 'matched', (SELECT count(*) FROM tbl)
            + (SELECT count(*) FROM \(target.qualifiedName) t WHERE t.id = ANY($6::bigint[]) AND \(live)), NULL
        """
    }

    /// Missing, stale and extra over the window's range of the table.
    private func byScan(_ live: String, extraIds: Int) -> String {
        """
        WITH api AS (
            SELECT * FROM unnest($1::bigint[], $2::timestamptz[]) AS api(id, updated_at)
        ), tbl AS (
            SELECT t.id, t.updated_at FROM \(target.qualifiedName) t WHERE \(live)
        ), found AS (
            SELECT 'missing' AS kind, a.id FROM api a WHERE NOT EXISTS (SELECT 1 FROM tbl WHERE tbl.id = a.id)
            UNION ALL
            SELECT 'extra', t.id FROM tbl t WHERE NOT EXISTS (SELECT 1 FROM api a WHERE a.id = t.id) AND NOT t.id = ANY($6::bigint[])
            UNION ALL
            SELECT 'stale', a.id FROM api a JOIN tbl t ON t.id = a.id WHERE a.updated_at <> t.updated_at
        )
        SELECT kind, count(*),
               (array_agg(id ORDER BY id))[1:CASE WHEN kind = 'extra' THEN \(max(extraIds, WindowDifferences.exampleLimit)) ELSE \(WindowDifferences.exampleLimit) END]::text
        FROM found GROUP BY kind
        """
    }

    private static func absorb(_ row: QueryResult.Row, into differences: inout WindowDifferences) throws(PostgresError) {
        let count = try row.decode(Int.self, 1) ?? 0
        switch row[0] {
        case "missing": differences.missing = count
        case "extra": differences.extra = count
        case "stale": differences.stale = count
        default: return
        }
        differences.examples[row[0] ?? ""] = Array((try row.decode([Int64].self, 2) ?? []).prefix(WindowDifferences.exampleLimit))
    }
}
