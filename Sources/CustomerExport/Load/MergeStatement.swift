import CustomerExportCommon

/// The SQL that moves one window's staged rows into the target.
///
/// `DISTINCT ON (id) ... ORDER BY id, updated_at DESC` keeps the newest version of each id staged
/// in the window (pages read twice, boundaries shared with the next window). The `WHERE` of the
/// upsert replaces a stored row only when the incoming one is newer, or equally new but different,
/// or the stored one was marked deleted: a late, stale page can never overwrite newer data, and a
/// second identical run writes nothing. `xmax = 0` tells inserted rows from updated ones.
package struct MergeStatement {
    package let target: TargetTable
    package let stagingTable: String
    /// Written into `load_id` of every row (and history version) this statement writes: the
    /// window's checkpoint row, so downstream jobs can take exactly what each commit changed.
    package let loadId: Int64?

    private var load: String { loadId.map(String.init) ?? "NULL" }

    package static let dataColumns = CustomerColumns.names

    package var sql: String {
        let columns = Self.dataColumns.joined(separator: ", ")
        let updates = Self.dataColumns.dropFirst().map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
        // With history, the rows marked deleted before this merge (a snapshot of the statement's
        // start) tell a customer that came back from one that was updated.
        let before = target.history
            ? ", was_deleted AS (SELECT t.id, t.deleted_at FROM \(target.qualifiedName) t JOIN incoming i USING (id) WHERE t.deleted_at IS NOT NULL)"
            : ""
        var sql = """
            WITH incoming AS (
                SELECT DISTINCT ON (id) * FROM \(stagingTable) ORDER BY id, updated_at DESC
            )\(before), merged AS (
                INSERT INTO \(target.qualifiedName) AS t (\(columns), loaded_at, load_id)
                SELECT \(columns), now(), \(load)::bigint FROM incoming
                ON CONFLICT (id) DO UPDATE SET \(updates), loaded_at = EXCLUDED.loaded_at, load_id = EXCLUDED.load_id, deleted_at = NULL
                WHERE t.updated_at < EXCLUDED.updated_at
                   OR (t.updated_at = EXCLUDED.updated_at AND (t.raw IS DISTINCT FROM EXCLUDED.raw OR t.deleted_at IS NOT NULL))
                RETURNING (xmax = 0) AS inserted\(target.history ? ", id, updated_at, raw" : "")
            )
            """
        if target.history {
            let history = target.historyName
            sql += """
                , closed AS (
                    UPDATE \(history) AS h SET valid_to = m.updated_at
                    FROM merged m WHERE h.id = m.id AND h.valid_to IS NULL AND h.valid_from < m.updated_at
                ), opened AS (
                    -- A version newer than the deletion starts when it was made; the same version
                    -- seen again after a deletion starts now, when it came back.
                    INSERT INTO \(history) (id, valid_from, valid_to, updated_at, raw, load_id)
                    SELECT m.id, CASE WHEN r.deleted_at IS NOT NULL AND m.updated_at <= r.deleted_at THEN now() ELSE m.updated_at END,
                           NULL, m.updated_at, m.raw, \(load)::bigint
                    FROM merged m LEFT JOIN was_deleted r USING (id)
                    ON CONFLICT (id, valid_from) DO UPDATE SET raw = EXCLUDED.raw, valid_to = NULL, loaded_at = now(), load_id = EXCLUDED.load_id
                )
                """
        }
        sql += """

            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted), (SELECT count(*) FROM incoming)
            FROM merged
            """
        return sql
    }

    /// The window's rows as new rows, for a window whose keys are all new (`NewRowsFirst`): the
    /// rows and `loaded_at` the merge would write, without its conflict handling. It fails with a
    /// unique violation on the first key that exists, and the caller rolls it back and merges.
    package var insertNewRowsSQL: String {
        let columns = Self.dataColumns.joined(separator: ", ")
        return "INSERT INTO \(target.qualifiedName) (\(columns), loaded_at, load_id) SELECT \(columns), now(), \(load)::bigint FROM \(stagingTable)"
    }

    /// The temporary table a window's rows are copied into before the merge. Temporary tables
    /// are private to the loader's session, unlogged, and vanish if the process dies, which is
    /// exactly the lifetime of an uncommitted window.
    package static func createStaging(named name: String) -> String {
        "CREATE TEMP TABLE \(name) (\(CustomerColumns.definitions))"
    }

    package init(target: TargetTable, stagingTable: String, loadId: Int64?) {
        self.target = target
        self.stagingTable = stagingTable
        self.loadId = loadId
    }
}
