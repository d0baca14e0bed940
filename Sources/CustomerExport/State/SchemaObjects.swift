import LibPQ

/// Every database object the export creates and then writes, with the privileges the export
/// role needs on each: one list that the migrator, the privilege check and
/// `migrate --grant-to` share, so the README's GRANT block, the check and the grants agree.
struct SchemaObjects: Sendable {
    struct Relation: Hashable, Sendable {
        enum Kind: String, Sendable { case table, sequence }
        var schema: String
        var name: String
        var kind: Kind
        /// What a run does with it: rows are inserted and updated, never deleted by a run.
        var privileges: [String]

        var displayName: String { schema + "." + name }
        var quotedName: String { SQLIdentifier.qualified(schema, name) }
    }

    /// The state tables, in creation order.
    static let stateTables = ["migrations", "runs", "windows", "quarantine", "watermarks"]
    /// The state tables' `bigserial` sequences, which a role inserting rows must be able to use.
    static let stateSequences = ["runs_id_seq", "windows_id_seq", "quarantine_id_seq"]

    let target: TargetTable
    let state: StateSchema

    /// The target's schema and the state schema (once when they are the same).
    var schemas: [String] {
        target.schema == state.name ? [state.name] : [state.name, target.schema]
    }

    var relations: [Relation] {
        var list = Self.stateTables.map { Relation(schema: state.name, name: $0, kind: .table, privileges: ["SELECT", "INSERT", "UPDATE"]) }
        list += Self.stateSequences.map { Relation(schema: state.name, name: $0, kind: .sequence, privileges: ["USAGE"]) }
        list.append(Relation(schema: target.schema, name: target.table, kind: .table, privileges: ["SELECT", "INSERT", "UPDATE"]))
        if target.history {
            list.append(Relation(schema: target.schema, name: target.table + "_history", kind: .table, privileges: ["SELECT", "INSERT", "UPDATE"]))
        }
        return list
    }

    /// What an owner runs so that `role` can export without owning anything: USAGE on both
    /// schemas and exactly the row privileges of `relations`.
    func grants(to role: String) -> [String] {
        let grantee = SQLIdentifier.quoted(role)
        var statements = schemas.map { "GRANT USAGE ON SCHEMA \(SQLIdentifier.quoted($0)) TO \(grantee)" }
        for relation in relations {
            let object = relation.kind == .sequence ? "SEQUENCE \(relation.quotedName)" : relation.quotedName
            statements.append("GRANT \(relation.privileges.joined(separator: ", ")) ON \(object) TO \(grantee)")
        }
        return statements
    }
}
