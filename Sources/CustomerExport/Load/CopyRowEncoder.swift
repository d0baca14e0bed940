/// Writes rows in PostgreSQL's COPY text format, the cheapest way to move rows through libpq.
///
/// Text format rules: columns separated by a tab, rows ended by a newline, NULL spelled `\N`, and
/// a backslash, tab, newline or carriage return inside a value escaped with a backslash. Names
/// full of tabs, newlines and backslashes are normal in this API, so every value goes through
/// `appendEscaped`. Bytes are appended to a caller's reusable buffer: no per-row allocation.
public enum CopyRowEncoder {
    /// The staging columns, in the order `append(_:to:)` writes them.
    public static let columns = [
        "id", "external_id", "name", "type", "status", "parent_id", "operator_id", "email", "phone",
        "country_code", "address", "metadata", "created_at", "updated_at", "raw", "quality_flags",
    ]

    public static func append(_ row: CustomerRow, to out: inout [UInt8]) {
        appendInteger(row.id, to: &out)
        out.append(0x09); appendText(row.externalId, to: &out)
        out.append(0x09); appendText(row.name, to: &out)
        out.append(0x09); appendText(row.type, to: &out)
        out.append(0x09); appendText(row.status, to: &out)
        out.append(0x09); appendInteger(row.parentId, to: &out)
        out.append(0x09); appendInteger(row.operatorId, to: &out)
        out.append(0x09); appendText(row.email, to: &out)
        out.append(0x09); appendText(row.phone, to: &out)
        out.append(0x09); appendText(row.countryCode, to: &out)
        out.append(0x09); appendBytes(row.addressJSON, to: &out)
        out.append(0x09); appendBytes(row.metadataJSON, to: &out)
        out.append(0x09); row.createdAt.appendPostgresText(to: &out)
        out.append(0x09); row.updatedAt.appendPostgresText(to: &out)
        out.append(0x09); appendEscaped(row.raw, to: &out)
        out.append(0x09)
        if row.qualityFlags.isEmpty {
            appendNull(to: &out)
        } else {
            // Flags are fixed identifiers such as `nul_removed`: no quoting needed inside the array literal.
            appendEscaped(Array(("{" + row.qualityFlags.joined(separator: ",") + "}").utf8), to: &out)
        }
        out.append(0x0A)
    }

    static func appendNull(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "N"))
    }

    static func appendInteger(_ value: Int64?, to out: inout [UInt8]) {
        guard let value else { return appendNull(to: &out) }
        out.append(contentsOf: String(value).utf8)
    }

    static func appendText(_ value: String?, to out: inout [UInt8]) {
        guard var value else { return appendNull(to: &out) }
        value.withUTF8 { appendEscaped($0, to: &out) }
    }

    static func appendBytes(_ value: [UInt8]?, to out: inout [UInt8]) {
        guard let value else { return appendNull(to: &out) }
        appendEscaped(value, to: &out)
    }

    /// Appends `bytes` with COPY text escaping. Multi-byte UTF-8 never contains the escaped
    /// ASCII bytes, so working on bytes is exact for any text. Runs without an escaped byte (in
    /// practice, most of every value) are copied in one piece rather than byte by byte.
    public static func appendEscaped(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { appendEscaped(buffer: $0, to: &out) }
        if done == nil {
            Array(bytes).withUnsafeBufferPointer { appendEscaped(buffer: $0, to: &out) }
        }
    }

    private static func appendEscaped(buffer: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        var runStart = 0
        for index in 0..<buffer.count {
            let escape: UInt8
            switch buffer[index] {
            case UInt8(ascii: "\\"): escape = UInt8(ascii: "\\")
            case 0x09: escape = UInt8(ascii: "t")
            case 0x0A: escape = UInt8(ascii: "n")
            case 0x0D: escape = UInt8(ascii: "r")
            default: continue
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<index]))
            out.append(UInt8(ascii: "\\"))
            out.append(escape)
            runStart = index + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<buffer.count]))
    }
}
