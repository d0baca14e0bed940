/// Identifiers (schema and table names) come from configuration and end up spliced into SQL
/// text, where parameters cannot be used. They are therefore both validated against a
/// conservative pattern and quoted.
public enum SQLIdentifier {
    /// PostgreSQL truncates identifiers longer than NAMEDATALEN-1 = 63 bytes.
    public static let maximumLength = 63

    /// Returns `name` when it matches `[A-Za-z_][A-Za-z0-9_]{0,62}`, otherwise `nil`.
    ///
    /// Deliberately stricter than what PostgreSQL accepts when quoted (no spaces, quotes, dots or
    /// non-ASCII): a typo in configuration should be rejected, not become a strange table name.
    /// Case is kept as written, and `quoted(_:)` preserves it, so `Customers` and `customers`
    /// name different tables.
    public static func validated(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= maximumLength else { return nil }
        func isLetterOrUnderscore(_ b: UInt8) -> Bool {
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || b == UInt8(ascii: "_")
        }
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        guard isLetterOrUnderscore(first) else { return nil }
        for b in bytes.dropFirst() where !(isLetterOrUnderscore(b) || isDigit(b)) { return nil }
        return name
    }

    /// `name` as a quoted identifier: wrapped in double quotes with embedded quotes doubled,
    /// so it is safe to splice into SQL whatever it contains.
    public static func quoted(_ name: String) -> String {
        var result = "\""
        for character in name {
            if character == "\"" { result.append("\"\"") } else { result.append(character) }
        }
        result.append("\"")
        return result
    }

    /// `schema.table`, both parts quoted.
    public static func qualified(_ schema: String, _ name: String) -> String {
        quoted(schema) + "." + quoted(name)
    }
}
