import LibPQ

/// The one description of a customer row in PostgreSQL: each column's name, SQL type, whether it
/// may be NULL, what it means, and how a `CustomerRow` writes it in COPY text.
///
/// The COPY encoder, the staging table, the target table's DDL and comments, and the merge are
/// all derived from this list, in this order, so a new column is a field of `CustomerRow` (and the
/// normalizer that fills it) plus one entry here.
///
/// ```swift
/// CustomerColumns.names            // ["id", "external_id", ..., "quality_flags"]
/// CustomerColumns.definitions      // "id bigint NOT NULL, external_id text, ..."
/// CustomerColumns.encode(row, to: &buffer)   // one COPY text line
/// ```
package enum CustomerColumns {
    /// One column of the customer row.
    package struct Column: Sendable {
        package let name: String
        package let sqlType: String
        package let notNull: Bool
        /// The column's `COMMENT` in the target table, when it needs one.
        package let comment: String?
        /// Appends the row's value, escaped for COPY text (or `\N`).
        package let encode: @Sendable (CustomerRow, inout [UInt8]) -> Void

        package init(_ name: String, _ sqlType: String, notNull: Bool = false, comment: String? = nil,
             _ encode: @escaping @Sendable (CustomerRow, inout [UInt8]) -> Void) {
            self.name = name
            self.sqlType = sqlType
            self.notNull = notNull
            self.comment = comment
            self.encode = encode
        }

        /// `name type [NOT NULL]`, as in a `CREATE TABLE`.
        package var definition: String { "\(name) \(sqlType)" + (notNull ? " NOT NULL" : "") }
    }

    /// The key: one row per customer id in the target.
    package static let key = "id"

    package static let all: [Column] = [
        Column("id", "bigint", notNull: true) { CopyTextFormat.appendInteger($0.id, to: &$1) },
        Column("external_id", "text") { CopyTextFormat.appendField($0.externalId, to: &$1) },
        Column("name", "text") { CopyTextFormat.appendField($0.name, to: &$1) },
        Column("type", "text") { CopyTextFormat.appendField($0.type, to: &$1) },
        Column("status", "text") { CopyTextFormat.appendField($0.status, to: &$1) },
        Column("parent_id", "bigint") { CopyTextFormat.appendInteger($0.parentId, to: &$1) },
        Column("operator_id", "bigint") { CopyTextFormat.appendInteger($0.operatorId, to: &$1) },
        Column("email", "text", comment: "Lower-cased e-mail address.") { CopyTextFormat.appendField($0.email, to: &$1) },
        Column("phone", "text") { CopyTextFormat.appendField($0.phone, to: &$1) },
        Column("country_code", "text", comment: "Upper-cased ISO 3166-1 alpha-2 country code.") {
            CopyTextFormat.appendField($0.countryCode, to: &$1)
        },
        Column("address", "jsonb") { CopyTextFormat.appendBytes($0.addressJSON, to: &$1) },
        Column("metadata", "jsonb") { CopyTextFormat.appendBytes($0.metadataJSON, to: &$1) },
        Column("created_at", "timestamptz", notNull: true) { $0.createdAt.appendPostgresText(to: &$1) },
        Column("updated_at", "timestamptz", notNull: true) { $0.updatedAt.appendPostgresText(to: &$1) },
        Column("raw", "jsonb", notNull: true,
               comment: "The record exactly as the API served it, unknown fields included (NUL escapes removed).") {
            CopyTextFormat.appendBytes($0.raw, to: &$1)
        },
        Column("quality_flags", "text[]", comment: "What normalization changed, e.g. nul_removed.") { row, out in
            if row.qualityFlags.isEmpty { return CopyTextFormat.appendNull(to: &out) }
            // Flags are fixed identifiers such as `nul_removed`: no quoting needed inside the array literal.
            CopyTextFormat.appendBytes(Array(("{" + row.qualityFlags.joined(separator: ",") + "}").utf8), to: &out)
        },
    ]

    /// The column names in COPY order.
    package static let names: [String] = all.map(\.name)

    /// The columns as in a `CREATE TABLE`, comma-separated, without any key constraint.
    package static var definitions: String { all.map(\.definition).joined(separator: ", ") }

    /// Appends `row` as one line of COPY text, columns in `names` order.
    package static func encode(_ row: CustomerRow, to out: inout [UInt8]) {
        var first = true
        for column in all {
            if !first { out.append(0x09) }
            first = false
            column.encode(row, &out)
        }
        out.append(0x0A)
    }
}
