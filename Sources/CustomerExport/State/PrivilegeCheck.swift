import LibPQ

/// Checks, before anything is written, that the connected role may do what a run needs, and
/// names the privilege, the object and the `GRANT` that fixes each gap.
///
/// A shared reporting database rarely hands the export role more than it needs. Two setups are
/// supported, and both are checked here rather than discovered half-way through a run:
/// - the DBA creates the two schemas and grants the role `USAGE, CREATE` on them (nothing on
///   the database); the role then creates and owns its tables;
/// - an owner runs `customer-export migrate --grant-to ROLE` and the role only gets `USAGE` on
///   the schemas and row privileges on the tables; runs then need no DDL at all.
///
/// ```swift
/// try PrivilegeCheck(objects: SchemaObjects(target: target, state: state)).verify(connection, migrating: true)
/// // throws: role "export" lacks CREATE on schema reporting (needed to create reporting.customers);
/// //         as the schema's owner run: GRANT CREATE ON SCHEMA reporting TO export;
/// ```
package struct PrivilegeCheck {
    package let objects: SchemaObjects

    /// One missing privilege: what it is for and the statement that grants it.
    package struct Gap: Equatable {
        var sentence: String
        var grant: String
    }

    /// Throws a `42501` error whose message lists every gap and the GRANTs that close them.
    /// `migrating`: the tables are about to be created or upgraded (DDL), not just written.
    package func verify(_ connection: PostgresConnection, migrating: Bool) throws(PostgresError) {
        let gaps = try find(connection, migrating: migrating)
        guard !gaps.isEmpty else { return }
        throw PostgresError(kind: .query, sqlState: SQLState.insufficientPrivilege, message: Self.message(gaps))
    }

    package static func message(_ gaps: [Gap]) -> String {
        let grants = gaps.map(\.grant).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return gaps.map(\.sentence).joined(separator: "; ") + "; to fix it run, as the owner of those objects or a superuser: "
            + grants.joined(separator: " ")
    }

    package func find(_ connection: PostgresConnection, migrating: Bool) throws(PostgresError) -> [Gap] {
        let session = try connection.execute(
            """
            SELECT current_user, current_database(), has_database_privilege(current_database(), 'CREATE'),
                   has_database_privilege(current_database(), 'TEMPORARY')
            """)
        guard let row = session.rows.first else { return [] }
        let role = row[0] ?? "current_user"
        let database = row[1] ?? "current_database()"
        let quotedRole = SQLIdentifier.quoted(role)
        var gaps: [Gap] = []
        if row[3] != "t" {
            gaps.append(Gap(
                sentence: "role \(role) may not create temporary tables in database \(database) (TEMPORARY), where each window's rows are staged",
                grant: "GRANT TEMPORARY ON DATABASE \(SQLIdentifier.quoted(database)) TO \(quotedRole);"))
        }
        let schemas = try schemaPrivileges(connection)
        let relations = try relationPrivileges(connection)
        for schema in objects.schemas {
            let quoted = SQLIdentifier.quoted(schema)
            guard let found = schemas[schema] else {
                if row[2] != "t" {
                    gaps.append(Gap(
                        sentence: "schema \(schema) does not exist and role \(role) may not create it (that needs CREATE on database \(database))",
                        grant: "CREATE SCHEMA \(quoted); GRANT USAGE, CREATE ON SCHEMA \(quoted) TO \(quotedRole);"))
                }
                continue
            }
            if !found.usage {
                gaps.append(Gap(sentence: "role \(role) lacks USAGE on schema \(schema)", grant: "GRANT USAGE ON SCHEMA \(quoted) TO \(quotedRole);"))
            }
            let missingTables = objects.relations.filter { $0.schema == schema && $0.kind == .table && relations[$0] == nil }
            if migrating, !found.create, let first = missingTables.first {
                gaps.append(Gap(
                    sentence: "role \(role) lacks CREATE on schema \(schema) (needed to create \(first.displayName))",
                    grant: "GRANT CREATE ON SCHEMA \(quoted) TO \(quotedRole);"))
            }
        }
        for relation in objects.relations {
            guard let found = relations[relation] else { continue }
            if migrating, !found.owned {
                gaps.append(Gap(
                    sentence: "\(relation.displayName) needs upgrading to this version's layout, which only its owner \(found.owner) may do",
                    grant: "-- as \(found.owner): customer-export migrate ... --grant-to \(role)"))
                continue
            }
            let missing = relation.privileges.filter { !found.granted.contains($0) }
            guard !missing.isEmpty else { continue }
            let list = missing.joined(separator: ", ")
            gaps.append(Gap(
                sentence: "role \(role) lacks \(list) on \(relation.kind.rawValue) \(relation.displayName)",
                grant: "GRANT \(relation.privileges.joined(separator: ", ")) ON \(relation.kind == .sequence ? "SEQUENCE " : "")\(relation.quotedName) TO \(quotedRole);"))
        }
        return gaps
    }

    private struct SchemaAccess { var usage: Bool; var create: Bool }
    private struct RelationAccess { var granted: Set<String>; var owned: Bool; var owner: String }

    private func schemaPrivileges(_ connection: PostgresConnection) throws(PostgresError) -> [String: SchemaAccess] {
        let result = try connection.execute(
            """
            SELECT nspname, has_schema_privilege(oid, 'USAGE'), has_schema_privilege(oid, 'CREATE')
            FROM pg_namespace WHERE nspname = ANY($1::text[])
            """, parameters: [objects.schemas])
        var found: [String: SchemaAccess] = [:]
        for row in result.rows {
            if let name = row[0] { found[name] = SchemaAccess(usage: row[1] == "t", create: row[2] == "t") }
        }
        return found
    }

    private func relationPrivileges(_ connection: PostgresConnection) throws(PostgresError) -> [SchemaObjects.Relation: RelationAccess] {
        let result = try connection.execute(
            """
            SELECT n.nspname, c.relname,
                   CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(c.oid, 'USAGE') ELSE has_table_privilege(c.oid, 'SELECT') END,
                   c.relkind <> 'S' AND has_table_privilege(c.oid, 'INSERT'),
                   c.relkind <> 'S' AND has_table_privilege(c.oid, 'UPDATE'),
                   c.relkind <> 'S' AND has_table_privilege(c.oid, 'DELETE'),
                   pg_has_role(c.relowner, 'USAGE'), pg_get_userbyid(c.relowner)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN unnest($1::text[], $2::text[]) AS wanted(s, r) ON wanted.s = n.nspname AND wanted.r = c.relname
            """, parameters: [objects.relations.map(\.schema), objects.relations.map(\.name)])
        var found: [SchemaObjects.Relation: RelationAccess] = [:]
        for row in result.rows {
            guard let schema = row[0], let name = row[1],
                  let relation = objects.relations.first(where: { $0.schema == schema && $0.name == name })
            else { continue }
            var granted: Set<String> = []
            let first = relation.kind == .sequence ? "USAGE" : "SELECT"
            for (index, privilege) in [first, "INSERT", "UPDATE", "DELETE"].enumerated() where row[2 + index] == "t" {
                granted.insert(privilege)
            }
            found[relation] = RelationAccess(granted: granted, owned: row[6] == "t", owner: row[7] ?? "?")
        }
        return found
    }

    /// A text[] literal of plain identifiers (validated by `TargetTable`/`StateSchema`).
}
