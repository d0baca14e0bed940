/// Decoding of the JSON values the normalizer reads: strings (with escapes), integers, and
/// removal of `\u0000` escapes from raw record bytes.
package enum JSONText {
    /// The string value of a validated string span (quotes included in `range`), and whether it
    /// contained a NUL character, which is dropped because PostgreSQL text cannot store it.
    package static func decodeString(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> (value: String, removedNUL: Bool) {
        let inner = (range.lowerBound + 1)..<(range.upperBound - 1)
        var hasEscape = false
        for i in inner where bytes[i] == UInt8(ascii: "\\") {
            hasEscape = true
            break
        }
        if !hasEscape {
            return (String(decoding: UnsafeBufferPointer(rebasing: bytes[inner]), as: UTF8.self), false)
        }
        var scalars = String.UnicodeScalarView()
        var removedNUL = false
        var utf8 = [UInt8]()
        var i = inner.lowerBound
        func flushUTF8() {
            if !utf8.isEmpty {
                scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
                utf8.removeAll(keepingCapacity: true)
            }
        }
        let scanner = JSONScanner(bytes)
        while i < inner.upperBound {
            let c = bytes[i]
            guard c == UInt8(ascii: "\\") else {
                utf8.append(c)
                i += 1
                continue
            }
            let escape = bytes[i + 1]
            i += 2
            switch escape {
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                // The span was validated, so the quads and surrogate pairs are well formed.
                var unit = (try? scanner.hexQuad(at: i)) ?? 0xFFFD
                i += 4
                if (0xD800...0xDBFF).contains(unit) {
                    let low = (try? scanner.hexQuad(at: i + 2)) ?? 0xDC00
                    unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                if unit == 0 {
                    removedNUL = true
                } else {
                    flushUTF8()
                    scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                }
            default: utf8.append(escape)  // \" \\ \/
            }
        }
        flushUTF8()
        return (String(scalars), removedNUL)
    }

    /// The value of an integer number span, or nil when it has a fraction, an exponent, or does not fit.
    package static func decodeInt64(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int64? {
        var i = range.lowerBound
        let negative = bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        guard i < range.upperBound else { return nil }
        var value: Int64 = 0
        while i < range.upperBound {
            let c = bytes[i]
            guard c >= 48, c <= 57 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times10.subtractingReportingOverflow(Int64(c - 48)) : times10.addingReportingOverflow(Int64(c - 48))
            guard !o1, !o2 else { return nil }
            value = next
            i += 1
        }
        return value
    }

    /// A copy of validated JSON bytes with every `\u0000` escape removed, so jsonb accepts it.
    /// Outside strings a backslash cannot occur in valid JSON, and inside one an escape starts at a
    /// backslash preceded by an even number of backslashes, so counting them is enough.
    package static func removingNULEscapes(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(range.count)
        var i = range.lowerBound
        while i < range.upperBound {
            let c = bytes[i]
            if c == UInt8(ascii: "\\") {
                if i + 5 < range.upperBound, bytes[i + 1] == UInt8(ascii: "u"), bytes[i + 2] == 48, bytes[i + 3] == 48,
                   bytes[i + 4] == 48, bytes[i + 5] == 48 {
                    i += 6
                    continue
                }
                output.append(c)
                output.append(bytes[i + 1])
                i += 2
                continue
            }
            output.append(c)
            i += 1
        }
        return output
    }
}
