import LibPQ

/// The statements that create the target (and its history table) from the one description of
/// the row, `CustomerColumns`, so the table, COPY, staging and merge cannot disagree. Every
/// statement is idempotent; `SchemaMigrator` applies them with the state tables'.
extension TargetTable {
    package var creationStatements: [String] {
        let t = qualifiedName
        let prefix = table
        var statements = [
            """
            CREATE TABLE IF NOT EXISTS \(t) (
                \(CustomerColumns.all.map(\.definition).joined(separator: ",\n    ")),
                loaded_at timestamptz NOT NULL DEFAULT now(),
                deleted_at timestamptz,
                load_id bigint,
                PRIMARY KEY (\(CustomerColumns.key))
            )
            """,
            "ALTER TABLE \(t) ADD COLUMN IF NOT EXISTS deleted_at timestamptz",
            "ALTER TABLE \(t) ADD COLUMN IF NOT EXISTS load_id bigint",
        ]
        // A table made by an earlier version gets the columns added since (nullable ones: a NOT
        // NULL column cannot be added to rows that exist, and the key columns are there from the start).
        statements += CustomerColumns.all.filter { !$0.notNull }.map { "ALTER TABLE \(t) ADD COLUMN IF NOT EXISTS \($0.definition)" }
        statements += [
            "CREATE INDEX IF NOT EXISTS \(SQLIdentifier.quoted(prefix + "_updated_at_idx")) ON \(t) (updated_at)",
            "CREATE INDEX IF NOT EXISTS \(SQLIdentifier.quoted(prefix + "_operator_id_idx")) ON \(t) (operator_id)",
            "CREATE INDEX IF NOT EXISTS \(SQLIdentifier.quoted(prefix + "_parent_id_idx")) ON \(t) (parent_id)",
            "CREATE INDEX IF NOT EXISTS \(SQLIdentifier.quoted(prefix + "_type_idx")) ON \(t) (type)",
            "CREATE INDEX IF NOT EXISTS \(SQLIdentifier.quoted(prefix + "_load_id_idx")) ON \(t) (load_id)",
            "COMMENT ON TABLE \(t) IS 'Customers exported from GET /v1/customers by customer-export; one row per customer id, newest version seen.'",
            "COMMENT ON COLUMN \(t).loaded_at IS 'When this version was written by customer-export.'",
            "COMMENT ON COLUMN \(t).deleted_at IS 'Set by customer-export reconcile when the API no longer returns the customer; cleared if it reappears.'",
            "COMMENT ON COLUMN \(t).load_id IS 'The load (a committed window, listed in the state schema''s loads view) that last wrote or deleted this row.'",
        ]
        statements += CustomerColumns.all.compactMap { column in
            column.comment.map { "COMMENT ON COLUMN \(t).\(column.name) IS '\($0.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''"))'" }
        }
        if history {
            let h = historyName
            statements += [
                """
                CREATE TABLE IF NOT EXISTS \(h) (
                    id bigint NOT NULL,
                    valid_from timestamptz NOT NULL,
                    valid_to timestamptz,
                    updated_at timestamptz NOT NULL,
                    raw jsonb NOT NULL,
                    loaded_at timestamptz NOT NULL DEFAULT now(),
                    load_id bigint,
                    PRIMARY KEY (id, valid_from)
                )
                """,
                "ALTER TABLE \(h) ADD COLUMN IF NOT EXISTS load_id bigint",
                "CREATE INDEX IF NOT EXISTS \(SQLIdentifier.quoted(prefix + "_history_current_idx")) ON \(h) (id) WHERE valid_to IS NULL",
                "COMMENT ON TABLE \(h) IS 'Every version of each customer seen by customer-export (SCD type 2): valid_from = the version''s updated_at, valid_to = the next version''s updated_at.'",
            ]
        }
        return statements
    }
}

extension TargetTable {
    /// The rows of a window that the table holds as alive: created within the window's inclusive
    /// bounds, before the run's exclusive end, and not marked deleted. Reconcile's deletion
    /// marking and verify's counts and comparison all ask this one question; `from`, `to` and
    /// `end` are the SQL (a placeholder such as `$1`, or a subquery) giving each bound.
    package static func liveInWindow(alias t: String, from: String, to: String, end: String) -> String {
        "\(t).created_at >= \(from) AND \(t).created_at <= \(to) AND \(t).created_at < \(end) AND \(t).deleted_at IS NULL"
    }
}
