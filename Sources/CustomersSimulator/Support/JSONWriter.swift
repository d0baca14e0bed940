/// Appends JSON to a growable byte buffer by hand.
///
/// Records are serialised once at start-up (millions of them) and the bytes are served as-is,
/// so this writer favours speed: no intermediate `Encodable` tree, no `Foundation` formatter,
/// and its own buffer (an `Array` would check uniqueness and capacity on every append; that was
/// a quarter of generation time). Non-copyable, so the buffer has exactly one owner that frees
/// it. It escapes exactly what RFC 8259 requires (`"`, `\` and control characters) and writes
/// other Unicode as raw UTF-8, which is what a real API typically sends.
struct JSONWriter: ~Copyable, ByteSink {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written so far.
    private(set) var count = 0

    init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    /// A copy of the bytes written, in an array of exactly that size.
    var bytes: [UInt8] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }

    var isEmpty: Bool { count == 0 }

    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Forgets what was written, keeping the buffer.
    mutating func removeAll() {
        count = 0
    }

    mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let source = buffer.baseAddress, !buffer.isEmpty else { return }
        reserve(buffer.count)
        (base + count).update(from: source, count: buffer.count)
        count += buffer.count
    }

    private mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        let grown = max(count + extra, capacity * 2)
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        larger.update(from: base, count: count)
        base.deallocate()
        base = larger
        capacity = grown
    }

    /// Appends `text` verbatim (for punctuation and pre-escaped keys).
    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    mutating func raw(_ other: [UInt8]) {
        other.withUnsafeBufferPointer { append($0) }
    }

    /// Appends `,"key":`, for every member of an object but the first.
    mutating func nextKey(_ key: StaticString) {
        append(UInt8(ascii: ","))
        self.key(key)
    }

    /// Appends `"key":`; keys are static ASCII without characters to escape.
    mutating func key(_ key: StaticString) {
        append(UInt8(ascii: "\""))
        raw(key)
        append(UInt8(ascii: "\""))
        append(UInt8(ascii: ":"))
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { string(utf8: $0) }
    }

    /// Appends a quoted, escaped string from its UTF-8 bytes.
    mutating func string(utf8 value: UnsafeBufferPointer<UInt8>) {
        append(UInt8(ascii: "\""))
        var runStart = 0
        for index in 0..<value.count {
            let byte = value[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if runStart < index { append(UnsafeBufferPointer(rebasing: value[runStart..<index])) }
            runStart = index + 1
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            default:
                raw("\\u00")
                append(Self.hexDigits[Int(byte >> 4)])
                append(Self.hexDigits[Int(byte & 0xF)])
            }
        }
        if runStart < value.count { append(UnsafeBufferPointer(rebasing: value[runStart...])) }
        append(UInt8(ascii: "\""))
    }

    /// Appends a quoted, escaped `value` whose content goes on with `tail`, copied verbatim
    /// (unescaped, unchecked): how a hostile record carries bytes no `String` can hold.
    mutating func string(_ value: String, verbatimTail tail: [UInt8]) {
        string(value)
        guard !tail.isEmpty else { return }
        count -= 1  // reopen the string before its closing quote
        raw(tail)
        append(UInt8(ascii: "\""))
    }

    mutating func string(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }

    mutating func int(_ value: Int64) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            if value == .min {
                raw("9223372036854775808")
                return
            }
        }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var length = 0
            repeat {
                buffer[19 - length] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                length += 1
            } while magnitude > 0
            append(UnsafeBufferPointer(rebasing: buffer.bindMemory(to: UInt8.self)[(20 - length)...]))
        }
    }

    mutating func int(_ value: Int64?) {
        if let value { int(value) } else { raw("null") }
    }

    mutating func bool(_ value: Bool) {
        value ? raw("true") : raw("false")
    }

    /// Appends a quoted timestamp in its served spelling.
    mutating func timestamp(_ value: Timestamp) {
        append(UInt8(ascii: "\""))
        RFC3339.write(value.instant, spelling: value.spelling, into: &self)
        append(UInt8(ascii: "\""))
    }

    mutating func value(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case .bool(let flag): bool(flag)
        case .int(let number): int(number)
        case .string(let text): string(text)
        case .array(let elements):
            append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { append(UInt8(ascii: ",")) }
                self.value(element)
            }
            append(UInt8(ascii: "]"))
        case .object(let members):
            append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { append(UInt8(ascii: ",")) }
                string(member.key)
                append(UInt8(ascii: ":"))
                self.value(member.value)
            }
            append(UInt8(ascii: "}"))
        case .raw(let bytes):
            raw(bytes)
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

/// Where ``RFC3339`` writes a timestamp: a plain byte array or straight into a ``JSONWriter``.
protocol ByteSink: ~Copyable {
    mutating func append(_ byte: UInt8)
}

extension Array: ByteSink where Element == UInt8 {}
