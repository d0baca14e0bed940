/// PostgreSQL's COPY text format, as an encoder appending to a byte buffer: the one COPY escaper
/// of the package (the exporter's row encoder writes every value through it).
///
/// Columns are separated by a tab and rows end with a newline; NULL is `\N`. In values, a
/// backslash, tab, newline and carriage return must be written as `\\`, `\t`, `\n`, `\r` —
/// everything else, including any non-ASCII UTF-8, is sent as is. Because every backslash is
/// escaped, a value can never form the `\.` end-of-data marker or a `\N`. Multi-byte UTF-8
/// never contains the escaped ASCII bytes, so escaping bytes is exact for any text.
///
/// The appenders are `@inlinable`: they run for every value of every row, and the exporter calls
/// them from another module, where an opaque call per value would cost real throughput.
///
/// ```swift
/// var buffer: [UInt8] = []
/// CopyTextFormat.appendRow(["1", "a\tb", nil], to: &buffer)   // 1\ta\\tb\t\N\n
/// ```
public enum CopyTextFormat {
    /// Appends `\N`.
    @inlinable
    public static func appendNull(to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\\"))
        buffer.append(UInt8(ascii: "N"))
    }

    /// Appends one text value, escaped; `nil` appends `\N`.
    @inlinable
    public static func appendField(_ value: String?, to buffer: inout [UInt8]) {
        guard var value else { return appendNull(to: &buffer) }
        value.withUTF8 { appendEscaped($0, to: &buffer) }
    }

    /// Appends bytes that are already UTF-8 text (JSON, say), escaped; `nil` appends `\N`.
    @inlinable
    public static func appendBytes(_ value: [UInt8]?, to buffer: inout [UInt8]) {
        guard let value else { return appendNull(to: &buffer) }
        value.withUnsafeBufferPointer { appendEscaped($0, to: &buffer) }
    }

    /// Appends an integer in decimal (never needs escaping); `nil` appends `\N`.
    @inlinable
    public static func appendInteger(_ value: Int64?, to buffer: inout [UInt8]) {
        guard let value else { return appendNull(to: &buffer) }
        buffer.append(contentsOf: String(value).utf8)
    }

    /// Appends `bytes` with COPY text escaping. Runs without an escaped byte (in practice, most
    /// of every value) are copied in one piece rather than byte by byte.
    @inlinable
    public static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8]) {
        var runStart = 0
        for index in 0..<bytes.count {
            let escape: UInt8
            switch bytes[index] {
            case UInt8(ascii: "\\"): escape = UInt8(ascii: "\\")
            case 0x09: escape = UInt8(ascii: "t")
            case 0x0A: escape = UInt8(ascii: "n")
            case 0x0D: escape = UInt8(ascii: "r")
            default: continue
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            buffer.append(UInt8(ascii: "\\"))
            buffer.append(escape)
            runStart = index + 1
        }
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
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
