import LibPQ

/// Where customers land, and where the pipeline keeps its state. Names come from configuration,
/// so they are validated (plain identifiers only) and always quoted in SQL.
public struct TargetTable: Sendable, Equatable {
    public let schema: String
    public let table: String
    /// Keep every version seen in `<table>_history` with `valid_from`/`valid_to` (SCD type 2).
    public var history: Bool

    public init(schema: String = "public", table: String = "customers", history: Bool = false) throws(ExportError) {
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

    public var qualifiedName: String { SQLIdentifier.quoted(schema) + "." + SQLIdentifier.quoted(table) }
    public var historyName: String { SQLIdentifier.quoted(schema) + "." + SQLIdentifier.quoted(table + "_history") }
    /// `schema.table`, as stored in state rows and shown to people.
    public var displayName: String { schema + "." + table }
}

/// The schema holding runs, windows, quarantine and watermarks (default `customer_export`).
public struct StateSchema: Sendable, Equatable {
    public let name: String

    public init(_ name: String = "customer_export") throws(ExportError) {
        guard let valid = SQLIdentifier.validated(name) else {
            throw .configuration("the state schema \"\(name)\" is not a plain identifier; use letters, digits and underscores")
        }
        self.name = valid
    }

    public var quoted: String { SQLIdentifier.quoted(name) }
    public func table(_ table: String) -> String { quoted + "." + SQLIdentifier.quoted(table) }
}
