import LibPQ

/// Where customers land, and where the pipeline keeps its state. Names come from configuration,
/// so they are validated (plain identifiers only) and always quoted in SQL.
package struct TargetTable: Sendable, Equatable {
    package let schema: String
    package let table: String
    /// Keep every version seen in `<table>_history` with `valid_from`/`valid_to` (SCD type 2).
    package var history: Bool

    package init(schema: String = "public", table: String = "customers", history: Bool = false) throws(ExportError) {
        guard let schema = SQLIdentifier.validated(schema) else {
            throw .configuration("the target schema \"\(schema)\" is not a plain identifier; use letters, digits and underscores, starting with a letter or underscore")
        }
        guard let table = SQLIdentifier.validated(table) else {
            throw .configuration("the target table \"\(table)\" is not a plain identifier; use letters, digits and underscores, starting with a letter or underscore")
        }
        self.schema = schema
        self.table = table
        self.history = history
    }

    /// `public.customers`, the default target: valid by construction, so it needs no check.
    package static let standard = TargetTable(checked: "public", table: "customers")

    private init(checked schema: String, table: String) {
        self.schema = schema
        self.table = table
        history = false
    }

    package var qualifiedName: String { SQLIdentifier.quoted(schema) + "." + SQLIdentifier.quoted(table) }
    package var historyName: String { SQLIdentifier.quoted(schema) + "." + SQLIdentifier.quoted(table + "_history") }
    /// `schema.table`, as stored in state rows and shown to people.
    package var displayName: String { schema + "." + table }
}
