/// What a JSON value is, as far as the scanner needs to know.
package enum JSONKind: Sendable, Equatable {
    case object, array, string, number, bool, null
}

/// A value's kind and its byte range inside the buffer being scanned.
package struct JSONSpan: Sendable, Equatable {
    package var kind: JSONKind
    package var range: Range<Int>

    @inlinable package init(kind: JSONKind, range: Range<Int>) {
        self.kind = kind
        self.range = range
    }
}

/// Why a body or record is not the JSON it claims to be.
package struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    package var offset: Int
    package var problem: String
    package var description: String { "\(problem) at byte \(offset)" }

    @inlinable package init(offset: Int, problem: String) {
        self.offset = offset
        self.problem = problem
    }
}

/// A strict RFC 8259 scanner that walks bytes in place, without building a document tree.
///
/// Why not `JSONSerialization`: the pipeline must keep each record's original bytes (`raw jsonb`),
/// must reject exactly what PostgreSQL's `jsonb` would reject (invalid UTF-8, lone surrogates,
/// control characters) before a COPY fails a whole window, and must not allocate a tree per page.
/// The scanner validates as it goes and reports spans; callers decode only the values they need.
package struct JSONScanner {
    package let bytes: UnsafeBufferPointer<UInt8>
    package var position: Int
    /// Set when a string contained the escape `\u0000`, which PostgreSQL text and jsonb cannot hold.
    package var sawNULEscape = false

    @inlinable package init(_ bytes: UnsafeBufferPointer<UInt8>, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    @inlinable package func error(_ problem: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: position, problem: problem)
    }

    @inlinable package mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// Requires that only whitespace remains.
    @inlinable package mutating func expectEnd() throws(JSONSyntaxError) {
        skipWhitespace()
        guard position == bytes.count else { throw error("unexpected data after the JSON value") }
    }

    /// Scans one value of any kind, validating all of it, and returns its span.
    @inlinable package mutating func scanValue(depth: Int = 0) throws(JSONSyntaxError) -> JSONSpan {
        guard depth < 512 else { throw error("nesting deeper than 512 levels") }
        skipWhitespace()
        guard position < bytes.count else { throw error("unexpected end of input") }
        let start = position
        switch bytes[position] {
        case UInt8(ascii: "{"):
            try scanObject(depth: depth) { (_: inout JSONScanner, _: Range<Int>, _: JSONSpan) throws(JSONSyntaxError) in }
            return JSONSpan(kind: .object, range: start..<position)
        case UInt8(ascii: "["):
            try scanArray(depth: depth) { (_: inout JSONScanner, _: JSONSpan) throws(JSONSyntaxError) in }
            return JSONSpan(kind: .array, range: start..<position)
        case UInt8(ascii: "\""):
            return JSONSpan(kind: .string, range: try scanString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return JSONSpan(kind: .bool, range: start..<position)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return JSONSpan(kind: .bool, range: start..<position)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return JSONSpan(kind: .null, range: start..<position)
        default:
            try scanNumber()
            return JSONSpan(kind: .number, range: start..<position)
        }
    }

    /// Scans an object, handing each member's key range (including quotes) and value span to `member`.
    /// `member` must leave `position` after the value: it either scans it itself or lets the
    /// scanner do it (when it returns without moving, the value is scanned and skipped).
    @inlinable package mutating func scanObject(
        depth: Int = 0,
        _ member: (inout JSONScanner, Range<Int>, JSONSpan) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        try scanMembers(depth: depth, skippingValueOf: nil) { (s: inout JSONScanner, key: Range<Int>, value: JSONSpan?) throws(JSONSyntaxError) in
            // Without a skipped name every value is scanned, so `value` is never nil here.
            if let value { try member(&s, key, value) }
        }
    }

    /// Scans an array, handing each element's span to `element`.
    @inlinable package mutating func scanArray(
        depth: Int = 0,
        _ element: (inout JSONScanner, JSONSpan) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "[") else { throw error("expected an array") }
        position += 1
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return
        }
        while true {
            let value = try scanValue(depth: depth + 1)
            try element(&self, value)
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input in an array") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; return }
            throw error("expected ',' or ']'")
        }
    }

    @inlinable mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw error("unexpected end of input") }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for i in 0..<count where bytes[position + i] != expected[i] {
            throw error("invalid literal")
        }
        position += count
    }

    @inlinable mutating func scanNumber() throws(JSONSyntaxError) {
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        let start = position
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid value") }
        let integerStart = position
        if bytes[position] == 48 {
            position += 1
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        let integerDigits = position - integerStart
        var fractionDigits = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
            let fractionStart = position
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            fractionDigits = position - fractionStart
        }
        var exponent = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            var negative = false
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                negative = bytes[position] == UInt8(ascii: "-")
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number") }
            while position < bytes.count, isDigit(bytes[position]) {
                // Saturates: anything past a million is out of numeric's range anyway.
                exponent = min(exponent * 10 + Int(bytes[position] - 48), 1_000_000_000)
                position += 1
            }
            if negative { exponent = -exponent }
        }
        // Rare in practice, and only then is the digit count worth looking at.
        if exponent != 0 || integerDigits + fractionDigits > 64 {
            try checkNumericRange(start: start, integerDigits: integerDigits, fractionDigits: fractionDigits, exponent: exponent)
        }
    }

    /// PostgreSQL stores JSON numbers as `numeric`, which holds at most 131,072 digits before the
    /// point and 16,383 after it: a larger value fails the whole COPY (SQLSTATE 22003), so the
    /// record is refused here, where it can be quarantined alone.
    @inlinable func checkNumericRange(start: Int, integerDigits: Int, fractionDigits: Int, exponent: Int) throws(JSONSyntaxError) {
        let digitsStart = bytes[start] == UInt8(ascii: "-") ? start + 1 : start
        var significantInteger = integerDigits
        var index = digitsStart
        while significantInteger > 0, bytes[index] == 48 { significantInteger -= 1; index += 1 }
        let isZero = significantInteger == 0 && !(0..<fractionDigits).contains { bytes[digitsStart + integerDigits + 1 + $0] != 48 }
        guard !isZero else { return }
        let weight = significantInteger + exponent  // decimal digits before the point
        let scale = max(0, fractionDigits - exponent)  // decimal digits after it
        guard weight <= Self.numericMaxIntegerDigits, scale <= Self.numericMaxFractionDigits else {
            throw JSONSyntaxError(offset: start, problem: "a number PostgreSQL's numeric cannot hold (\(weight) digits before the point, \(scale) after; at most \(Self.numericMaxIntegerDigits) and \(Self.numericMaxFractionDigits))")
        }
    }

    package static let numericMaxIntegerDigits = 131_072
    package static let numericMaxFractionDigits = 16_383

    /// Scans a string starting at its opening quote; returns the range including both quotes.
    @inlinable package mutating func scanString() throws(JSONSyntaxError) -> Range<Int> {
        let start = position
        position += 1
        while position < bytes.count {
            // Eight plain ASCII bytes at a time: string scanning was the exporter's largest cost.
            while position &+ 8 <= bytes.count, !Self.needsAttention(UnsafeRawPointer(bytes.baseAddress! + position).loadUnaligned(as: UInt64.self)) {
                position &+= 8
            }
            guard position < bytes.count else { break }
            let c = bytes[position]
            if c == UInt8(ascii: "\"") {
                position += 1
                return start..<position
            } else if c == UInt8(ascii: "\\") {
                try scanEscape()
            } else if c < 0x20 {
                throw error("control character in a string")
            } else if c < 0x80 {
                position += 1
            } else {
                try scanUTF8Sequence()
            }
        }
        throw error("unterminated string")
    }

    /// Whether any of the eight bytes ends or escapes a string, is a control byte, or starts a
    /// multi-byte sequence (the bytes `scanString` must look at one by one). Exact, with no false
    /// negatives: `hasZero` is the classic test for a zero byte, applied to the word XORed with
    /// the quote and the backslash; `below0x20` is its form for "less than".
    @inline(__always)
    @inlinable package static func needsAttention(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
        let below0x20 = (word &- ones &* 0x20) & ~word & highs
        return (word & highs) | below0x20 | hasZero(word ^ (ones &* 0x22)) | hasZero(word ^ (ones &* 0x5C)) != 0
    }

    @inlinable mutating func scanEscape() throws(JSONSyntaxError) {
        guard position + 1 < bytes.count else { throw error("unterminated escape") }
        switch bytes[position + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
             UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case UInt8(ascii: "u"):
            let unit = try hexQuad(at: position + 2)
            position += 6
            if unit == 0 { sawNULEscape = true }
            if (0xDC00...0xDFFF).contains(unit) { throw error("lone low surrogate escape") }
            if (0xD800...0xDBFF).contains(unit) {
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u"),
                      (0xDC00...0xDFFF).contains(try hexQuad(at: position + 2))
                else { throw error("high surrogate escape without its low surrogate") }
                position += 6
            }
        default:
            throw error("invalid escape")
        }
    }

    @inlinable package func hexQuad(at index: Int) throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for i in index..<(index + 4) {
            let c = bytes[i]
            let digit: UInt32
            switch c {
            case 48...57: digit = UInt32(c - 48)
            case 65...70: digit = UInt32(c - 55)
            case 97...102: digit = UInt32(c - 87)
            default: throw error("invalid \\u escape")
            }
            value = value << 4 | digit
        }
        return value
    }

    /// Validates one multi-byte UTF-8 sequence (no overlongs, no surrogates, at most U+10FFFF).
    @inlinable mutating func scanUTF8Sequence() throws(JSONSyntaxError) {
        let length = Self.validSequenceLength(bytes, at: position)
        guard length > 0 else { throw error("invalid UTF-8") }
        position += length
    }

    /// The length of the valid multi-byte UTF-8 sequence starting at `index`, or 0 when the bytes
    /// there are not one (a stray continuation byte, an overlong form, a surrogate, a cut sequence).
    @inline(__always)
    @inlinable package static func validSequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let lead = bytes[index]
        let length: Int
        var lowerSecond: UInt8 = 0x80
        var upperSecond: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lowerSecond = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upperSecond = 0x9F
        case 0xF0: length = 4; lowerSecond = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upperSecond = 0x8F
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        let second = bytes[index + 1]
        guard second >= lowerSecond, second <= upperSecond else { return 0 }
        for i in 2..<length where bytes[index + i] & 0xC0 != 0x80 {
            return 0
        }
        return length
    }
}
