/// One page as received: the body's bytes, where each record sits in them, and the total if the
/// envelope has one. Records stay as byte ranges so the normalizer can keep the original JSON.
package struct PageBody: Sendable {
    package var bytes: [UInt8]
    package var records: [Range<Int>]
    /// Elements of the record array that are not JSON PostgreSQL accepts: quarantined one by one,
    /// while the page's other records load.
    package var rejected: [RejectedElement]
    package var total: Int?
    /// `meta.limit`: the page size the server says it served, which may be less than asked.
    package var servedLimit: Int?
    /// `meta` values that cannot be true (`"meta.total is -1"`): ignored as evidence, reported
    /// once by the run, never a reason to refuse the page's records.
    package var metaProblems: [String] = []

    /// A page that stands for one record the API could not send within the body limit: its
    /// `bytes` describe where the record sits (`placeholder`), and it is one rejected element.
    package init(placeholder: [UInt8], reason: String) {
        bytes = placeholder
        records = []
        rejected = [RejectedElement(range: 0..<placeholder.count, reason: reason)]
        total = nil
    }

    /// Every element of the record array, good or rejected: what the API's `total` counts.
    package var entryCount: Int { records.count + rejected.count }

    /// Splits a response body by its envelope, validating the whole body as strict JSON.
    ///
    /// When strict scanning fails, the body is walked again resynchronising on the record array's
    /// element boundaries: an element that is not valid becomes a `RejectedElement` and the
    /// others are kept. Only a body whose envelope is broken (cut or garbled in transit, an HTML
    /// error page, no `data` array) throws: the caller retries that request.
    package init(bytes: [UInt8], envelope: ResponseEnvelope) throws(JSONSyntaxError) {
        self.bytes = bytes
        let scanned: Scanned
        do {
            scanned = try Self.scan(bytes, envelope, resync: false)
        } catch let strictError {
            guard let resynced = try? Self.scan(bytes, envelope, resync: true), !resynced.rejected.isEmpty else { throw strictError }
            scanned = resynced
        }
        records = scanned.records
        rejected = scanned.rejected
        total = scanned.meta.total
        servedLimit = scanned.meta.limit
        metaProblems = scanned.meta.problems
    }

    private typealias Scanned = (records: [Range<Int>], rejected: [RejectedElement], meta: Meta)

    /// What `meta` claims, as far as it can be true.
    private struct Meta {
        var total: Int?
        var limit: Int?
        var problems: [String] = []
    }

    private static func scan(
        _ bytes: [UInt8], _ envelope: ResponseEnvelope, resync: Bool
    ) throws(JSONSyntaxError) -> Scanned {
        var records: [Range<Int>] = []
        var rejected: [RejectedElement] = []
        var meta = Meta()
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
                        meta = try Self.meta(buffer, in: value)
                    }
                }
                guard sawData else { throw JSONSyntaxError(offset: 0, problem: "the body has no \"data\" array") }
            }
            try scanner.expectEnd()
        }
        return (records, rejected, meta)
    }

    /// `meta.total` and `meta.limit` where they can be true (non-negative integers); anything else
    /// in them is a problem to report, not a broken body: the records are what the page proves.
    private static func meta(_ buffer: UnsafeBufferPointer<UInt8>, in meta: JSONSpan) throws(JSONSyntaxError) -> Meta {
        var result = Meta()
        var inner = JSONScanner(buffer, position: meta.range.lowerBound)
        try inner.scanObject { (_: inout JSONScanner, key: Range<Int>, value: JSONSpan) throws(JSONSyntaxError) in
            let name: String
            if keyEquals(buffer, key, "total") { name = "total" } else if keyEquals(buffer, key, "limit") { name = "limit" } else { return }
            guard value.kind != .null else { return }
            guard value.kind == .number, let number = JSONText.decodeInt64(buffer, value.range), number >= 0 else {
                let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[value.range.prefix(40)]), as: UTF8.self)
                result.problems.append("meta.\(name) is \(text), which no count can be")
                return
            }
            if name == "total" { result.total = Int(number) } else { result.limit = Int(number) }
        }
        return result
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
