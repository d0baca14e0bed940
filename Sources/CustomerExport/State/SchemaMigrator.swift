import LibPQ
import CustomerExportCommon

/// Creates or upgrades the target table and the state tables. Every statement is idempotent and
/// the whole migration runs in one transaction under an advisory lock, so several workers
/// starting at once (or a migration killed half-way) leave either the old or the new schema.
package struct SchemaMigrator {
    package let target: TargetTable
    package let state: StateSchema

    package init(target: TargetTable, state: StateSchema) {
        self.target = target
        self.state = state
    }

    /// Bumped whenever the statements below change, so existing installations are upgraded.
    package static let version = 3

    /// What this migrator installs for its target: the version, plus history when asked for.
    package var fingerprint: String { "v\(Self.version)" + (target.history ? "+history" : "") }

    package var objects: SchemaObjects { SchemaObjects(target: target, state: state) }

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
    package func migrate(_ connection: PostgresConnection, grantTo role: String? = nil, lockTimeout: TimeSpan? = nil) throws(PostgresError) -> Int {
        let current = try isCurrent(connection)
        try PrivilegeCheck(objects: objects).verify(connection, migrating: current == false)
        if current != false, role == nil { return 0 }
        let statements = current == false ? state.creationStatements + target.creationStatements : []
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
            return try result.decode(String.self) == fingerprint
        } catch where SQLState.isMissingObject(error.sqlState) {
            return false
        } catch where error.sqlState == SQLState.insufficientPrivilege {
            return nil
        }
    }
}
