import LibPQ
import CustomerExportVocabulary

/// How one window's table rows differ from the API's records, and what is not a difference.
public struct WindowDifferences: Sendable, Codable, Equatable {
    /// In the API, not a live row of the table.
    public var missing = 0
    /// A live row of the table the API does not return: deleted upstream and not marked.
    public var extra = 0
    /// In both, with another `updatedAt` (the table's older; or newer, after a hand edit).
    public var stale = 0
    /// Records whose `updatedAt` is after the verify started (less `WindowComparison.clockAllowance`):
    /// live changes, not differences.
    public var changedDuringVerify = 0
    /// Extra rows explained by the window shrinking between its count and its read: customers
    /// deleted upstream while the verify ran (the API keeps no trace of which).
    public var deletedDuringVerify = 0
    /// Records the API serves that runs quarantine (they fail validation), by id.
    public var quarantined = 0
    /// Rejected records without a readable id, which nothing can be compared by.
    public var unidentified = 0
    /// Up to `exampleLimit` ids of each kind of difference, smallest first, to look up.
    public var examples: [String: [Int64]] = [:]

    public static let exampleLimit = 10

    public init() {}

    public var count: Int { missing + extra + stale }

    /// Takes `deletions` (the window's total at its count minus its total when read) off the
    /// extra rows: a past `createdAt` window shrinks only by deletions, so that many rows the
    /// table still holds were deleted after the verify counted them, not before.
    public mutating func explainExtras(byDeletions deletions: Int) {
        let explained = min(extra, max(0, deletions))
        extra -= explained
        deletedDuringVerify += explained
        if extra == 0 { examples["extra"] = nil }
    }

    public static func += (lhs: inout WindowDifferences, rhs: WindowDifferences) {
        lhs.missing += rhs.missing
        lhs.extra += rhs.extra
        lhs.stale += rhs.stale
        lhs.changedDuringVerify += rhs.changedDuringVerify
        lhs.deletedDuringVerify += rhs.deletedDuringVerify
        lhs.quarantined += rhs.quarantined
        lhs.unidentified += rhs.unidentified
    }
}

/// Compares one window's API records with the table's live rows in PostgreSQL itself: the
/// records' instants are sent as text and cast there, so `updatedAt` is rounded to the
/// microsecond exactly as the load rounded it, and equal means equal.
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
    package func compare(
        _ window: TimeWindow, _ api: WindowRecords, extraIds: Int = WindowDifferences.exampleLimit, on connection: PostgresConnection
    ) throws(PostgresError) -> (differences: WindowDifferences, extraIds: [Int64]) {
        var differences = WindowDifferences()
        var ids: [String] = []
        var instants: [String] = []
        let changedAfter = startedAt.adding(nanoseconds: -Self.clockAllowance.nanoseconds)
        ids.reserveCapacity(api.records.count)
        instants.reserveCapacity(api.records.count)
        for (id, updatedAt) in api.records {
            ids.append(String(id))
            // A record changed since the verify started is still looked for, but its version is
            // not compared: the table cannot have it yet.
            if updatedAt > changedAfter {
                differences.changedDuringVerify += 1
                instants.append("NULL")
            } else {
                instants.append(updatedAt.postgresText)
            }
        }
        let rejected = api.rejectedIds.filter { api.records[$0] == nil }
        differences.quarantined = rejected.count
        differences.unidentified = api.unidentified
        let condition = filter.predicate(alias: "t", firstParameter: 7)
        let sql = """
            WITH api AS (
                SELECT * FROM unnest($1::bigint[], $2::timestamptz[]) AS api(id, updated_at)
            ), tbl AS (
                SELECT t.id, t.updated_at FROM \(target.qualifiedName) t
                WHERE t.created_at >= $3 AND t.created_at <= $4 AND t.created_at < $5 AND t.deleted_at IS NULL\(condition.sql)
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
        let parameters: [String?] = [
            "{" + ids.joined(separator: ",") + "}", "{" + instants.map { $0 == "NULL" ? $0 : "\"\($0)\"" }.joined(separator: ",") + "}",
            window.from.rfc3339, window.to.rfc3339, rangeEnd.rfc3339, "{" + rejected.map(String.init).joined(separator: ",") + "}",
        ] + condition.parameters
        var extras: [Int64] = []
        for row in try connection.execute(sql, parameters: parameters).rows where row.count == 3 {
            let count = row[1].flatMap { Int($0) } ?? 0
            let ids = (row[2] ?? "{}").dropFirst().dropLast().split(separator: ",").compactMap { Int64($0) }
            if row[0] == "extra" { extras = ids }
            switch row[0] {
            case "missing": differences.missing = count
            case "extra": differences.extra = count
            case "stale": differences.stale = count
            default: continue
            }
            differences.examples[row[0] ?? ""] = Array(ids.prefix(WindowDifferences.exampleLimit))
        }
        return (differences, extras)
    }
}
