import LibPQ

/// The schema holding runs, windows, quarantine and watermarks (default `customer_export`).
package struct StateSchema: Sendable, Equatable {
    package let name: String

    package init(_ name: String = "customer_export") throws(ExportError) {
        guard let valid = SQLIdentifier.validated(name) else {
            throw .configuration("the state schema \"\(name)\" is not a plain identifier; use letters, digits and underscores")
        }
        self.name = valid
    }

    /// `customer_export`, the default: valid by construction, so it needs no check.
    package static let standard = StateSchema(checked: "customer_export")

    private init(checked name: String) { self.name = name }

    package var quoted: String { SQLIdentifier.quoted(name) }
    package func table(_ table: String) -> String { quoted + "." + SQLIdentifier.quoted(table) }
}
