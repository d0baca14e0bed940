import LibPQ

/// Creates or upgrades the target table and the state tables. Every statement is idempotent and
/// the whole migration runs in one transaction under an advisory lock, so several workers
/// starting at once (or a migration killed half-way) leave either the old or the new schema.
public struct SchemaMigrator {
    public let target: TargetTable
    public let state: StateSchema

    public init(target: TargetTable, state: StateSchema) {
        self.target = target
        self.state = state
    }

    /// Bumped whenever the statements below change, so existing installations are upgraded.
    static let version = 2

    /// What this migrator installs for its target: the version, plus history when asked for.
    var fingerprint: String { "v\(Self.version)" + (target.history ? "+history" : "") }

    var objects: SchemaObjects { SchemaObjects(target: target, state: state) }

    /// Applies the migrations unless the state already records them for this target; returns
    /// the number of statements applied (0 when up to date). The check is a plain read, so a
    /// run starting while another one writes never queues DDL locks behind that run's
    /// transactions. Before any statement, the role's privileges are checked (`PrivilegeCheck`),
    /// so a least-privilege role learns which GRANT it lacks instead of failing half-way.
    ///
    /// A schema is created only when `pg_namespace` does not have it: `CREATE SCHEMA IF NOT
    /// EXISTS` needs CREATE on the database even when the schema exists, which a role that was
    /// given its schemas by a DBA does not have. With `grantTo`, the role named there gets
    /// exactly the privileges a run needs (`SchemaObjects.grants`), in the same transaction.
    @discardableResult
    ///
    /// With `lockTimeout`, each DDL statement waits at most that long for its lock (`ALTER TABLE`
    /// takes ACCESS EXCLUSIVE, and every reader that comes later queues behind a waiting one);
    /// the caller tries the migration again (`LockWaits`).
    public func migrate(_ connection: PostgresConnection, grantTo role: String? = nil, lockTimeout: TimeSpan? = nil) throws(PostgresError) -> Int {
        let current = try isCurrent(connection)
        try PrivilegeCheck(objects: objects).verify(connection, migrating: current == false)
        if current != false, role == nil { return 0 }
        let statements = current == false ? stateStatements() + targetStatements() : []
        let grants = role.map { objects.grants(to: $0) } ?? []
        var applied = 0
        try connection.transaction { () throws(PostgresError) in
            _ = try connection.execute("SELECT pg_advisory_xact_lock(hashtext('customer-export:migrate'))")
            if let lockTimeout { _ = try connection.execute(LockWaits.setting(lockTimeout, local: true)) }
            for schema in objects.schemas {
                let exists = try connection.execute("SELECT 1 FROM pg_namespace WHERE nspname = $1", parameters: [schema])
                if exists.rows.isEmpty {
                    _ = try connection.execute("CREATE SCHEMA \(SQLIdentifier.quoted(schema))")
                    applied += 1
                }
            }
            for statement in statements + grants {
                _ = try connection.execute(statement)
            }
            if !statements.isEmpty {
                _ = try connection.execute(
                    """
                    INSERT INTO \(state.table("migrations")) (target, fingerprint) VALUES ($1, $2)
                    ON CONFLICT (target) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, applied_at = now()
                    """, parameters: [target.displayName, fingerprint])
            }
        }
        return applied + statements.count + grants.count
    }

    /// Whether the recorded migration matches this version: nil when the role may not read the
    /// record (the privilege check then names the missing SELECT).
    private func isCurrent(_ connection: PostgresConnection) throws(PostgresError) -> Bool? {
        do {
            let result = try connection.execute(
                "SELECT fingerprint FROM \(state.table("migrations")) WHERE target = $1", parameters: [target.displayName])
            return result.rows.first?[0] == fingerprint
        } catch where SQLState.isMissingObject(error.sqlState) {
            return false
        } catch where error.sqlState == SQLState.insufficientPrivilege {
            return nil
        }
    }

    func stateStatements() -> [String] {
        let s = state
        return [
            """
            CREATE TABLE IF NOT EXISTS \(s.table("migrations")) (
                target text PRIMARY KEY,
                fingerprint text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS \(s.table("runs")) (
                id bigserial PRIMARY KEY,
                pipeline text NOT NULL,
                identity text NOT NULL,
                mode text NOT NULL,
                window_field text NOT NULL,
                range_from timestamptz NOT NULL,
                range_to timestamptz NOT NULL,
                target text NOT NULL,
                status text NOT NULL,
                started_at timestamptz NOT NULL DEFAULT now(),
                heartbeat_at timestamptz NOT NULL DEFAULT now(),
                finished_at timestamptz,
                last_error text,
                report jsonb
            )
            """,
            "CREATE INDEX IF NOT EXISTS runs_identity_idx ON \(s.table("runs")) (identity, id DESC)",
            """
            CREATE TABLE IF NOT EXISTS \(s.table("windows")) (
                id bigserial PRIMARY KEY,
                run_id bigint NOT NULL REFERENCES \(s.table("runs")) (id) ON DELETE CASCADE,
                window_from timestamptz NOT NULL,
                window_to timestamptz NOT NULL,
                status text NOT NULL DEFAULT 'pending',
                api_total integer,
                pages integer NOT NULL DEFAULT 0,
                rows_fetched integer NOT NULL DEFAULT 0,
                rows_inserted integer NOT NULL DEFAULT 0,
                rows_updated integer NOT NULL DEFAULT 0,
                rows_unchanged integer NOT NULL DEFAULT 0,
                rows_quarantined integer NOT NULL DEFAULT 0,
                attempts integer NOT NULL DEFAULT 0,
                drift_rereads integer NOT NULL DEFAULT 0,
                last_error text,
                claimed_by text,
                lease_until timestamptz,
                updated_at timestamptz NOT NULL DEFAULT now(),
                UNIQUE (run_id, window_from, window_to)
            )
            """,
            "CREATE INDEX IF NOT EXISTS windows_pending_idx ON \(s.table("windows")) (run_id, status)",
            "ALTER TABLE \(s.table("windows")) ADD COLUMN IF NOT EXISTS completed_by text",
            "ALTER TABLE \(s.table("runs")) ADD COLUMN IF NOT EXISTS params jsonb",
            """
            CREATE TABLE IF NOT EXISTS \(s.table("quarantine")) (
                id bigserial PRIMARY KEY,
                target text NOT NULL,
                run_id bigint,
                window_from timestamptz,
                window_to timestamptz,
                source_id text,
                reason text NOT NULL,
                payload text NOT NULL,
                payload_md5 text NOT NULL,
                first_seen_at timestamptz NOT NULL DEFAULT now(),
                last_seen_at timestamptz NOT NULL DEFAULT now(),
                times_seen integer NOT NULL DEFAULT 1,
                UNIQUE (target, reason, payload_md5)
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS \(s.table("watermarks")) (
                pipeline text NOT NULL,
                target text NOT NULL,
                watermark timestamptz NOT NULL,
                run_id bigint,
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (pipeline, target)
            )
            """,
        ]
    }

    func targetStatements() -> [String] {
        let t = target.qualifiedName
        let prefix = target.table
        var statements = [
            """
            CREATE TABLE IF NOT EXISTS \(t) (
                \(CustomerColumns.all.map(\.definition).joined(separator: ",\n    ")),
                loaded_at timestamptz NOT NULL DEFAULT now(),
                deleted_at timestamptz,
                PRIMARY KEY (\(CustomerColumns.key))
            )
            """,
            "ALTER TABLE \(t) ADD COLUMN IF NOT EXISTS deleted_at timestamptz",
        ]
        // A table made by an earlier version gets the columns added since (nullable ones: a NOT
        // NULL column cannot be added to rows that exist, and the key columns are there from the start).
        statements += CustomerColumns.all.filter { !$0.notNull }.map { "ALTER TABLE \(t) ADD COLUMN IF NOT EXISTS \($0.definition)" }
        statements += [
            "CREATE INDEX IF NOT EXISTS \(SQLIdentifier.quoted(prefix + "_updated_at_idx")) ON \(t) (updated_at)",
            "CREATE INDEX IF NOT EXISTS \(SQLIdentifier.quoted(prefix + "_operator_id_idx")) ON \(t) (operator_id)",
            "CREATE INDEX IF NOT EXISTS \(SQLIdentifier.quoted(prefix + "_parent_id_idx")) ON \(t) (parent_id)",
            "CREATE INDEX IF NOT EXISTS \(SQLIdentifier.quoted(prefix + "_type_idx")) ON \(t) (type)",
            "COMMENT ON TABLE \(t) IS 'Customers exported from GET /v1/customers by customer-export; one row per customer id, newest version seen.'",
            "COMMENT ON COLUMN \(t).loaded_at IS 'When this version was written by customer-export.'",
            "COMMENT ON COLUMN \(t).deleted_at IS 'Set by customer-export reconcile when the API no longer returns the customer; cleared if it reappears.'",
        ]
        statements += CustomerColumns.all.compactMap { column in
            column.comment.map { "COMMENT ON COLUMN \(t).\(column.name) IS '\($0.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''"))'" }
        }
        if target.history {
            let h = target.historyName
            statements += [
                """
                CREATE TABLE IF NOT EXISTS \(h) (
                    id bigint NOT NULL,
                    valid_from timestamptz NOT NULL,
                    valid_to timestamptz,
                    updated_at timestamptz NOT NULL,
                    raw jsonb NOT NULL,
                    loaded_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (id, valid_from)
                )
                """,
                "CREATE INDEX IF NOT EXISTS \(SQLIdentifier.quoted(prefix + "_history_current_idx")) ON \(h) (id) WHERE valid_to IS NULL",
                "COMMENT ON TABLE \(h) IS 'Every version of each customer seen by customer-export (SCD type 2): valid_from = the version''s updated_at, valid_to = the next version''s updated_at.'",
            ]
        }
        return statements
    }
}
