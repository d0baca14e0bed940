import Testing
@testable import CustomerExport

/// Byte-level poison inside a page: each bad record is found, quarantined alone with its reason
/// and its bytes, and every other record of the page is kept.
@Suite("Hostile source: byte-level poison is a record's problem, not the page's")
struct HostileBytesTests {
    static let good1 = #"{"id": 1, "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z"}"#
    static let good2 = #"{"id": 2, "createdAt": "2024-01-02T00:00:00Z", "updatedAt": "2024-01-02T00:00:00Z"}"#

    func page(with poison: [UInt8]) throws -> PageBody {
        let bytes = Array(#"{"data": ["#.utf8) + Array(Self.good1.utf8) + Array(", ".utf8) + poison + Array(", ".utf8) + Array(Self.good2.utf8)
            + Array(#"], "meta": {"total": 3}}"#.utf8)
        return try PageBody(bytes: bytes, envelope: .dataMeta)
    }

    static let poisons: [(String, [UInt8], String)] = [
        ("lone surrogate", Array(#"{"id": 7, "name": "x\ud83dy"}"#.utf8), "surrogate"),
        ("invalid UTF-8", Array(#"{"id": 7, "name": "x"#.utf8) + [0xC3, 0x28, 0xFF] + Array(#""}"#.utf8), "UTF-8"),
        ("600 nested arrays", Array(#"{"id": 7, "nested": "#.utf8) + Array(repeating: UInt8(ascii: "["), count: 600)
            + Array(repeating: UInt8(ascii: "]"), count: 600) + Array("}".utf8), "nesting"),
        ("a number numeric cannot hold", Array(#"{"id": 7, "score": 1e999999}"#.utf8), "numeric"),
        ("a raw control byte", Array(#"{"id": 7, "name": "a"#.utf8) + [0x00] + Array(#"b"}"#.utf8), "control character"),
    ]

    @Test("each poison kind is one rejected element; the two good records around it stay", arguments: 0..<poisons.count)
    func poisonIsRejectedAlone(_ index: Int) throws {
        let (name, poison, reason) = Self.poisons[index]
        let body = try page(with: poison)
        #expect(body.records.count == 2, "\(name)")
        #expect(body.rejected.count == 1, "\(name)")
        #expect(body.entryCount == 3)
        #expect(body.total == 3)
        let rejected = try #require(body.rejected.first)
        #expect(Array(body.bytes[rejected.range]) == poison, "\(name): the element's bytes exactly")
        #expect(rejected.reason.contains(reason), "\(name): \(rejected.reason)")
    }

    @Test("the normalizer quarantines the rejected element with its id, reason and text payload")
    func quarantineEntry() throws {
        let body = try page(with: Self.poisons[1].1)
        let normalized = CustomerNormalizer().normalize(page: body)
        #expect(normalized.count == 3)
        guard case let .quarantined(entry) = normalized.last else { Issue.record("the last entry is not quarantined"); return }
        #expect(entry.sourceId == "7")
        #expect(entry.reason.contains("not valid JSON for PostgreSQL") && entry.reason.contains("\\xNN"), "\(entry.reason)")
        #expect(String(decoding: entry.payload, as: UTF8.self) == #"{"id": 7, "name": "x\xC3(\xFF"}"#)
    }

    @Test("a broken envelope still throws: the request is retried, not quarantined", arguments: [
        #"{"data": [{"id": 1}, {"id": 2"#, #"<html>502</html>"#, #"{"data": [{"id": 1}], "meta": {"total": 1e999999}}"#,
        #"{"data": [{"id": 1},, {"id": 2}]}"#, #"{"data": [{"id": "unterminated}]}"#,
    ])
    func brokenEnvelope(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try PageBody(bytes: Array(text.utf8), envelope: .dataMeta) }
    }

    @Test("a bare array resynchronises the same way")
    func arrayEnvelope() throws {
        let bytes = Array("[".utf8) + Array(Self.good1.utf8) + Array(",".utf8) + Self.poisons[0].1 + Array("]".utf8)
        let body = try PageBody(bytes: bytes, envelope: .array)
        #expect(body.records.count == 1 && body.rejected.count == 1)
    }

    @Test("numbers at numeric's limits pass, past them are refused", arguments: [
        ("1e131071", true), ("1e131072", false), ("1e-16383", true), ("1e-16384", false), ("0e999999", true),
        ("12.5e3", true), ("-1e999999", false), ("0.000", true),
    ])
    func numericRange(_ number: String, _ accepted: Bool) {
        let text = #"{"data": [{"id": 1, "x": "# + number + "}]}"
        let body = try? PageBody(bytes: Array(text.utf8), envelope: .dataMeta)
        #expect(body?.records.count == (accepted ? 1 : 0), "\(number)")
        #expect(body?.rejected.count == (accepted ? 0 : 1), "\(number)")
    }

    @Test("the lenient id is the top-level one, never a nested id")
    func leadingId() {
        func id(_ text: String) -> String? {
            Array(text.utf8).withUnsafeBufferPointer { LeadingRecordId.topLevelId($0) }
        }
        #expect(id(#"{"metadata": {"id": 5}, "id": 9, "name": "\ud800"}"#) == "9")
        #expect(id(#"{"name": "\"id\": 3", "id": -4}"#) == "-4")
        #expect(id(#"{"id": "12"}"#) == nil)
        #expect(id(#"[1, 2]"#) == nil)
    }
}
