/// One page as received: the body's bytes, where each record sits in them, and the total if the
/// envelope has one. Records stay as byte ranges so the normalizer can keep the original JSON.
public struct PageBody: Sendable {
    public var bytes: [UInt8]
    public var records: [Range<Int>]
    public var total: Int?

    /// Splits a response body by its envelope, validating the whole body as strict JSON. A body
    /// that fails here was cut or garbled in transit: the caller retries the request.
    public init(bytes: [UInt8], envelope: ResponseEnvelope) throws(JSONSyntaxError) {
        self.bytes = bytes
        var records: [Range<Int>] = []
        var total: Int?
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) in
            var scanner = JSONScanner(buffer)
            switch envelope {
            case .array:
                try scanner.scanArray { (_: inout JSONScanner, element: JSONSpan) throws(JSONSyntaxError) in
                    records.append(element.range)
                }
            case .dataMeta:
                var sawData = false
                try scanner.scanObject { (s: inout JSONScanner, key: Range<Int>, value: JSONSpan) throws(JSONSyntaxError) in
                    if Self.keyEquals(buffer, key, "data") {
                        guard value.kind == .array else { throw s.error("\"data\" is not an array") }
                        sawData = true
                        var inner = JSONScanner(buffer, position: value.range.lowerBound)
                        try inner.scanArray { (_: inout JSONScanner, element: JSONSpan) throws(JSONSyntaxError) in
                            records.append(element.range)
                        }
                    } else if Self.keyEquals(buffer, key, "meta"), value.kind == .object {
                        var inner = JSONScanner(buffer, position: value.range.lowerBound)
                        try inner.scanObject { (s: inout JSONScanner, key: Range<Int>, value: JSONSpan) throws(JSONSyntaxError) in
                            guard Self.keyEquals(buffer, key, "total") else { return }
                            guard value.kind == .number, let number = JSONText.decodeInt64(buffer, value.range), number >= 0 else {
                                throw s.error("\"meta.total\" is not a non-negative integer")
                            }
                            total = Int(number)
                        }
                    }
                }
                guard sawData else { throw JSONSyntaxError(offset: 0, problem: "the body has no \"data\" array") }
            }
            try scanner.expectEnd()
        }
        self.records = records
        self.total = total
    }

    /// Compares a member name (its range includes the quotes) with an ASCII literal, without
    /// allocating; names with escapes never match, which is what a literal name means.
    static func keyEquals(_ buffer: UnsafeBufferPointer<UInt8>, _ key: Range<Int>, _ name: StaticString) -> Bool {
        let count = name.utf8CodeUnitCount
        guard key.count == count + 2 else { return false }
        let expected = UnsafeBufferPointer(start: name.utf8Start, count: count)
        for i in 0..<count where buffer[key.lowerBound + 1 + i] != expected[i] {
            return false
        }
        return true
    }
}
