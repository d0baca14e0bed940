/// PostgreSQL's COPY text format, as an encoder appending to a byte buffer.
///
/// Columns are separated by a tab and rows end with a newline; NULL is `\N`. In values, a
/// backslash, tab, newline and carriage return must be written as `\\`, `\t`, `\n`, `\r` —
/// everything else, including any non-ASCII UTF-8, is sent as is. Because every backslash is
/// escaped, a value can never form the `\.` end-of-data marker or a `\N`.
public enum CopyTextFormat {
    /// Appends one value, escaped; `nil` appends `\N`.
    public static func appendField(_ value: String?, to buffer: inout [UInt8]) {
        guard let value else {
            buffer.append(UInt8(ascii: "\\"))
            buffer.append(UInt8(ascii: "N"))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\t"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "t"))
            case UInt8(ascii: "\n"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "r"))
            default: buffer.append(byte)
            }
        }
    }

    /// Appends a whole row: escaped values separated by tabs, then a newline.
    public static func appendRow(_ fields: [String?], to buffer: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: "\t")) }
            appendField(field, to: &buffer)
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    /// One escaped value as a `String`, for tests and diagnostics.
    public static func escaped(_ value: String?) -> String {
        var buffer: [UInt8] = []
        appendField(value, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
