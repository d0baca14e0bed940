/// One page as received: the body's bytes, where each record sits in them, and the total if the
/// envelope has one. Records stay as byte ranges so the normalizer can keep the original JSON.
public struct PageBody: Sendable {
    public var bytes: [UInt8]
    public var records: [Range<Int>]
    /// Elements of the record array that are not JSON PostgreSQL accepts: quarantined one by one,
    /// while the page's other records load.
    public var rejected: [RejectedElement]
    public var total: Int?

    /// A page that stands for one record the API could not send within the body limit: its
    /// `bytes` describe where the record sits (`placeholder`), and it is one rejected element.
    public init(placeholder: [UInt8], reason: String) {
        bytes = placeholder
        records = []
        rejected = [RejectedElement(range: 0..<placeholder.count, reason: reason)]
        total = nil
    }

    /// Every element of the record array, good or rejected: what the API's `total` counts.
    public var entryCount: Int { records.count + rejected.count }

    /// Splits a response body by its envelope, validating the whole body as strict JSON.
    ///
    /// When strict scanning fails, the body is walked again resynchronising on the record array's
    /// element boundaries: an element that is not valid becomes a `RejectedElement` and the
    /// others are kept. Only a body whose envelope is broken (cut or garbled in transit, an HTML
    /// error page, no `data` array) throws: the caller retries that request.
    public init(bytes: [UInt8], envelope: ResponseEnvelope) throws(JSONSyntaxError) {
        self.bytes = bytes
        let scanned: (records: [Range<Int>], rejected: [RejectedElement], total: Int?)
        do {
            scanned = try Self.scan(bytes, envelope, resync: false)
        } catch let strictError {
            guard let resynced = try? Self.scan(bytes, envelope, resync: true), !resynced.rejected.isEmpty else { throw strictError }
            scanned = resynced
        }
        records = scanned.records
        rejected = scanned.rejected
        total = scanned.total
    }

    private static func scan(
        _ bytes: [UInt8], _ envelope: ResponseEnvelope, resync: Bool
    ) throws(JSONSyntaxError) -> (records: [Range<Int>], rejected: [RejectedElement], total: Int?) {
        var records: [Range<Int>] = []
        var rejected: [RejectedElement] = []
        var total: Int?
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) in
            var scanner = JSONScanner(buffer)
            func recordArray(_ s: inout JSONScanner) throws(JSONSyntaxError) {
                if resync {
                    try s.scanElementsResynchronising(records: &records, rejected: &rejected)
                } else {
                    try s.scanArray { (_: inout JSONScanner, element: JSONSpan) throws(JSONSyntaxError) in records.append(element.range) }
                }
            }
            switch envelope {
            case .array:
                try recordArray(&scanner)
            case .dataMeta:
                var sawData = false
                try scanner.scanMembers(skippingValueOf: resync ? "data" : nil) { (s: inout JSONScanner, key: Range<Int>, value: JSONSpan?) throws(JSONSyntaxError) in
                    if keyEquals(buffer, key, "data") {
                        guard value?.kind ?? .array == .array else { throw s.error("\"data\" is not an array") }
                        sawData = true
                        var inner = value.map { JSONScanner(buffer, position: $0.range.lowerBound) } ?? s
                        try recordArray(&inner)
                        if value == nil { s.position = inner.position }
                    } else if keyEquals(buffer, key, "meta"), let value, value.kind == .object {
                        total = try Self.total(buffer, in: value)
                    }
                }
                guard sawData else { throw JSONSyntaxError(offset: 0, problem: "the body has no \"data\" array") }
            }
            try scanner.expectEnd()
        }
        return (records, rejected, total)
    }

    /// `meta.total`, which must be a non-negative integer when present.
    private static func total(_ buffer: UnsafeBufferPointer<UInt8>, in meta: JSONSpan) throws(JSONSyntaxError) -> Int? {
        var total: Int?
        var inner = JSONScanner(buffer, position: meta.range.lowerBound)
        try inner.scanObject { (s: inout JSONScanner, key: Range<Int>, value: JSONSpan) throws(JSONSyntaxError) in
            guard keyEquals(buffer, key, "total") else { return }
            guard value.kind == .number, let number = JSONText.decodeInt64(buffer, value.range), number >= 0 else {
                throw s.error("\"meta.total\" is not a non-negative integer")
            }
            total = Int(number)
        }
        return total
    }

    /// Compares a member name (its range includes the quotes) with an ASCII literal, without
    /// allocating; names with escapes never match, which is what a literal name means.
    package static func keyEquals(_ buffer: UnsafeBufferPointer<UInt8>, _ key: Range<Int>, _ name: StaticString) -> Bool {
        let count = name.utf8CodeUnitCount
        guard key.count == count + 2 else { return false }
        let expected = UnsafeBufferPointer(start: name.utf8Start, count: count)
        for i in 0..<count where buffer[key.lowerBound + 1 + i] != expected[i] {
            return false
        }
        return true
    }
}
