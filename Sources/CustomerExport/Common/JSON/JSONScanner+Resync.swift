extension JSONScanner {
    /// Moves past one array element without validating it, and returns its byte range.
    ///
    /// Used only after strict scanning refused an element: brackets are counted (of either kind,
    /// without recursion, so no depth is too deep) and strings are skipped by their quotes and
    /// backslashes, whatever bytes they hold. The element ends at the `,` or `]` that follows it at
    /// its own level. Throws when the input ends first: then the element cannot be told apart
    /// from the rest of the body, and the envelope itself is broken.
    package mutating func skipElementLeniently() throws(JSONSyntaxError) -> Range<Int> {
        skipWhitespace()
        let start = position
        var depth = 0
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""):
                try skipStringLeniently()
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return trimmedRange(start..<position) }
                depth -= 1
                if depth == 0 {
                    position += 1
                    return start..<position
                }
            case UInt8(ascii: ","):
                if depth == 0 { return trimmedRange(start..<position) }
            default:
                break
            }
            position += 1
        }
        throw JSONSyntaxError(offset: start, problem: "unexpected end of input inside a record")
    }

    private mutating func skipStringLeniently() throws(JSONSyntaxError) {
        let start = position
        position += 1
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\\"): position += 2
            case UInt8(ascii: "\""): position += 1; return
            default: position += 1
            }
        }
        throw JSONSyntaxError(offset: start, problem: "unterminated string inside a record")
    }

    private func trimmedRange(_ range: Range<Int>) -> Range<Int> {
        var end = range.upperBound
        while end > range.lowerBound, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[end - 1]) { end -= 1 }
        return range.lowerBound..<end
    }
}

extension JSONScanner {
    /// Scans an object, handing each member's key range (quotes included) and value span to
    /// `member`, except that the value of the member named `skipped` is not scanned: `member`
    /// gets nil for it and must move `position` past the value itself. That is how the envelope
    /// is walked strictly while its record array is resynchronised; `scanObject` is this with
    /// nothing skipped.
    @inlinable package mutating func scanMembers(
        depth: Int = 0, skippingValueOf skipped: StaticString?,
        _ member: (inout JSONScanner, Range<Int>, JSONSpan?) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "{") else { throw error("expected an object") }
        position += 1
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let key = try scanString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            if let skipped, PageBody.keyEquals(bytes, key, skipped) {
                skipWhitespace()
                try member(&self, key, nil)
            } else {
                let value = try scanValue(depth: depth + 1)
                try member(&self, key, value)
            }
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input in an object") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return }
            throw error("expected ',' or '}'")
        }
    }

    /// Scans an array of records, keeping each valid element's range in `records` and each
    /// invalid one, skipped leniently, in `rejected` with what was wrong with it.
    package mutating func scanElementsResynchronising(records: inout [Range<Int>], rejected: inout [RejectedElement]) throws(JSONSyntaxError) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "[") else { throw error("expected an array") }
        position += 1
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            let start = position
            var probe = self
            do {
                let span = try probe.scanValue(depth: 1)
                position = probe.position
                records.append(span.range)
            } catch {
                position = start
                let range = try skipElementLeniently()
                guard !range.isEmpty else { throw self.error("an empty element in the record array") }
                rejected.append(RejectedElement(
                    range: range, reason: "record is not valid JSON for PostgreSQL: \(error.problem) at byte \(error.offset - start) of the record"))
            }
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input in an array") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; return }
            throw error("expected ',' or ']'")
        }
    }
}
