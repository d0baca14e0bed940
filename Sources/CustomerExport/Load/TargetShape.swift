import LibPQ
import CustomerExportCommon

/// Compares a target table that already exists with what the export writes (`CustomerColumns`
/// plus `loaded_at` and `deleted_at`), before a single request is sent.
///
/// A table created beforehand by hand or by another tool (`id int, name varchar(10)`) would
/// otherwise be found out after the API was read, by a merge failing on a missing column. Here
/// every difference is listed at once with the statement that fixes it. Nullable columns that
/// are missing are not differences: the migration adds them.
package struct TargetShape {
    package let target: TargetTable

    package init(target: TargetTable) {
        self.target = target
    }

    /// The columns a run writes besides the record's own, with their types.
    package static let bookkeeping: [(name: String, sqlType: String, notNull: Bool)] = [
        ("loaded_at", "timestamptz", true), ("deleted_at", "timestamptz", false), ("load_id", "bigint", false),
    ]

    /// Throws `.database` naming every difference; returns when the table is absent or fits.
    package func verify(_ connection: PostgresConnection) throws(ExportError) {
        let problems: [String]
        do {
            problems = try differences(connection)
        } catch {
            throw .database("cannot read the shape of the target table \(target.displayName): \(error); check that the role may read the catalog")
        }
        guard !problems.isEmpty else { return }
        throw .database(
            "the target table \(target.displayName) exists with another shape than the export writes: \(problems.joined(separator: "; ")); run those statements as the table's owner, or pass --target-table (database.targetTable) to export into a new table")
    }

    /// Whether the table exists at all (`verify` refuses one that does not: that is a wrong name
    /// or a table never loaded, not a table missing every row).
    package func exists(_ connection: PostgresConnection) throws(PostgresError) -> Bool {
        let result = try connection.execute("SELECT to_regclass($1) IS NOT NULL", parameters: [target.qualifiedName])
        return result.rows.first?.first??.hasPrefix("t") ?? false
    }

    /// One sentence per difference, each with its fix.
    package func differences(_ connection: PostgresConnection) throws(PostgresError) -> [String] {
        let columns = try connection.execute(
            """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
            WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
            """, parameters: [target.qualifiedName])
        guard !columns.rows.isEmpty else { return [] }
        var existing: [String: String] = [:]
        for row in columns.rows {
            if let name = row[0], let type = row[1] { existing[name] = type }
        }
        let t = target.qualifiedName
        let expected = CustomerColumns.all.map { (name: $0.name, sqlType: $0.sqlType, notNull: $0.notNull) } + Self.bookkeeping
        var problems: [String] = []
        for column in expected {
            let wanted = Self.catalogName(of: column.sqlType)
            guard let actual = existing[column.name] else {
                if column.notNull {
                    problems.append("column \(column.name) is missing (ALTER TABLE \(t) ADD COLUMN \(column.name) \(column.sqlType), fill it, then SET NOT NULL)")
                }
                continue
            }
            if actual != wanted {
                problems.append("column \(column.name) is \(actual), the export writes \(wanted) (ALTER TABLE \(t) ALTER COLUMN \(column.name) TYPE \(column.sqlType))")
            }
        }
        let key = try connection.execute(
            """
            SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
            WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indnkeyatts = 1 AND i.indpred IS NULL AND a.attname = $2
            """, parameters: [target.qualifiedName, CustomerColumns.key])
        if key.rows.isEmpty, existing[CustomerColumns.key] != nil {
            problems.append("no unique key on \(CustomerColumns.key) (ALTER TABLE \(t) ADD PRIMARY KEY (\(CustomerColumns.key)))")
        }
        return problems
    }

    /// The type as `format_type` spells it.
    package static func catalogName(of sqlType: String) -> String {
        switch sqlType {
        case "timestamptz": "timestamp with time zone"
        default: sqlType
        }
    }
}
