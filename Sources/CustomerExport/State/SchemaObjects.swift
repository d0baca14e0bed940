import LibPQ
import CustomerExportCommon

/// Every database object the export creates and then writes, with the privileges the export
/// role needs on each: one list that the migrator, the privilege check and
/// `migrate --grant-to` share, so the README's GRANT block, the check and the grants agree.
package struct SchemaObjects: Sendable {
    package struct Relation: Hashable, Sendable {
        package enum Kind: String, Sendable { case table, sequence }
        package var schema: String
        package var name: String
        package var kind: Kind
        /// What a run does with it: rows are inserted and updated, never deleted by a run.
        package var privileges: [String]

        package var displayName: String { schema + "." + name }
        package var quotedName: String { SQLIdentifier.qualified(schema, name) }
    }

    /// The state tables, in creation order.
    package static let stateTables = ["migrations", "runs", "windows", "quarantine", "watermarks"]
    /// The state tables' `bigserial` sequences, which a role inserting rows must be able to use.
    package static let stateSequences = ["runs_id_seq", "windows_id_seq", "quarantine_id_seq"]

    package let target: TargetTable
    package let state: StateSchema

    /// The target's schema and the state schema (once when they are the same).
    package var schemas: [String] {
        target.schema == state.name ? [state.name] : [state.name, target.schema]
    }

    package var relations: [Relation] {
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
    package func grants(to role: String) -> [String] {
        let grantee = SQLIdentifier.quoted(role)
        var statements = schemas.map { "GRANT USAGE ON SCHEMA \(SQLIdentifier.quoted($0)) TO \(grantee)" }
        for relation in relations {
            let object = relation.kind == .sequence ? "SEQUENCE \(relation.quotedName)" : relation.quotedName
            statements.append("GRANT \(relation.privileges.joined(separator: ", ")) ON \(object) TO \(grantee)")
        }
        return statements
    }
}
