import LibPQ
import CustomerExportCommon
import CustomerExportExtract

/// The table's side of the counts: live rows (`deleted_at IS NULL`) of each window, with the
/// API's inclusive bounds (`from <= created_at <= to`), before the range's exclusive end, and
/// under the same filters, as the loader wrote them.
///
/// One pass over the range, not one per window: the target has no index on `created_at` (the
/// loads would pay for it every night), so each window's `count(*)` would scan the table again.
/// PostgreSQL buckets the rows between the windows' sorted bounds (`width_bucket`), counts the
/// rows that sit exactly on a bound apart, and adds each window's buckets, its closing bound
/// included, so a row on a bound two windows share counts in both, as the API counts it.
package struct TableWindowCounts {
    package let target: TargetTable
    package let filter: TableFilter
    package let rangeEnd: Timestamp

    package init(target: TargetTable, filter: TableFilter, rangeEnd: Timestamp) {
        self.target = target
        self.filter = filter
        self.rangeEnd = rangeEnd
    }

    /// The live rows of each of `windows`, in order.
    package func counts(_ windows: [TimeWindow], on connection: PostgresConnection) throws(PostgresError) -> [Int] {
        guard !windows.isEmpty else { return [] }
        let condition = filter.predicate(alias: "c", firstParameter: 4)
        let sql = """
            WITH w AS (
                SELECT i, f, t FROM unnest($1::timestamptz[], $2::timestamptz[]) WITH ORDINALITY AS w(f, t, i)
            ), p AS (
                SELECT array_agg(x ORDER BY x) AS points FROM (SELECT f AS x FROM w UNION SELECT t FROM w) bounds
            ), b AS (
                SELECT width_bucket(c.created_at, p.points) AS bucket, count(*) AS n,
                       count(*) FILTER (WHERE c.created_at = p.points[width_bucket(c.created_at, p.points)]) AS at_bound
                FROM \(target.qualifiedName) c, p
                WHERE \(TargetTable.liveInWindow(alias: "c", from: "(SELECT min(f) FROM w)", to: "(SELECT max(t) FROM w)", end: "$3"))\(condition.sql)
                GROUP BY 1
            )
            SELECT w.i,
                   coalesce((SELECT sum(b.n) FROM b WHERE b.bucket >= array_position(p.points, w.f) AND b.bucket < array_position(p.points, w.t)), 0)
                   + coalesce((SELECT b.at_bound FROM b WHERE b.bucket = array_position(p.points, w.t)), 0)
            FROM w, p ORDER BY w.i
            """
        let parameters: [(any PostgresEncodable)?] = [windows.map(\.from), windows.map(\.to), rangeEnd] + condition.parameters
        let result = try connection.execute(sql, parameters: parameters)
        return try result.typedRows.map { (row) throws(PostgresError) in try row.decode(Int.self, 1) ?? 0 }
    }
}
