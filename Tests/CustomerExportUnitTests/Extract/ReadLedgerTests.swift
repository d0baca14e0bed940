import Foundation
import Testing
@testable import CustomerExport

/// How one read proves its end and counts what it accounts for (`ReadLedger`), what a record
/// must be to belong to its window (`RecordScope`), meta that cannot be true, and the id read
/// from the leading bytes of a body too large to hold. No network, no database.
@Suite("Extract: a read's evidence")
struct ReadLedgerTests {
    let window = TimeWindow(field: .createdAt, from: Timestamp(nanosecondsSinceEpoch: 0), to: Timestamp(nanosecondsSinceEpoch: 1_000_000_000_000))

    /// A page of `ids` with `meta.total` and `meta.limit` as given.
    func page(_ ids: [Int], offset: Int, limit: Int, total: Int?, metaLimit: Int? = nil) throws -> FetchedPage {
        var meta: [String] = []
        if let total { meta.append("\"total\": \(total)") }
        if let metaLimit { meta.append("\"limit\": \(metaLimit)") }
        let text = "{\"data\": [" + ids.map { "{\"id\": \($0)}" }.joined(separator: ",") + "], \"meta\": {" + meta.joined(separator: ",") + "}}"
        return FetchedPage(request: PageRequest(window: window, offset: offset, limit: limit), body: try PageBody(bytes: Array(text.utf8), envelope: .dataMeta), attempts: 1)
    }

    @Test("a short page ends the read only where its own total says; elsewhere it leaves a gap asked for from where it stopped")
    func shortPages() throws {
        let first = try page(Array(0..<50), offset: 0, limit: 200, total: 120)
        let ledger = ReadLedger(firstPage: first)
        ledger.add([first], for: first.request)
        #expect(ledger.end == nil, "50 of 200 with a total of 120: not the end")
        #expect(ledger.takeGaps().map(\.offset) == [50])
        let last = try page(Array(100..<120), offset: 100, limit: 50, total: 120)
        ledger.add([last], for: last.request)
        #expect(ledger.end == 120, "a short page ending exactly at its total is the end")
    }

    @Test("an empty page is the end; without a total, a short page is the end only when meta.limit says the size asked was served")
    func emptyPageAndMetaLimit() throws {
        let noTotal = try page(Array(0..<30), offset: 0, limit: 200, total: nil)
        let ledger = ReadLedger(firstPage: noTotal)
        ledger.add([noTotal], for: noTotal.request)
        #expect(ledger.end == nil && ledger.takeGaps().map(\.offset) == [30])
        let empty = try page([], offset: 30, limit: 170, total: nil)
        ledger.add([empty], for: empty.request)
        #expect(ledger.end == 30)

        let stated = try page(Array(0..<30), offset: 0, limit: 200, total: nil, metaLimit: 200)
        let second = ReadLedger(firstPage: stated)
        second.add([stated], for: stated.request)
        #expect(second.end == 30, "the server says it served 200 a page: 30 is its last")
    }

    @Test("a record served twice in one read counts once, so the read falls short of its total")
    func distinctEntries() throws {
        let first = try page(Array(0..<3), offset: 0, limit: 3, total: 6)
        let ledger = ReadLedger(firstPage: first)
        ledger.add([first], for: first.request)
        // Something before offset 3 moved: record 2 comes again, record 3 is skipped.
        let second = try page([2, 4, 5], offset: 3, limit: 3, total: 6)
        ledger.add([second], for: second.request)
        let snapshot = ledger.snapshot
        #expect(snapshot.entries == 6 && snapshot.distinct == 5)
    }

    @Test("meta values that cannot be true are reported, not thrown: the records are read")
    func impossibleMeta() throws {
        let body = try PageBody(bytes: Array(#"{"data": [{"id": 1}], "meta": {"total": -1, "limit": "fifty"}}"#.utf8), envelope: .dataMeta)
        #expect(body.records.count == 1 && body.total == nil && body.servedLimit == nil)
        #expect(body.metaProblems == ["meta.total is -1, which no count can be", #"meta.limit is "fifty", which no count can be"#])
    }

    @Test("a record outside its window's inclusive bounds, past the run's end, or breaking a filter is named by what it breaks")
    func recordScope() throws {
        let scope = RecordScope(filters: CustomerFilters(types: ["business"], parentId: 7), rangeEnd: Timestamp(nanosecondsSinceEpoch: 900_000_000_000))
        func row(_ at: Int64, type: String = "Business", parent: Int64? = 7) -> CustomerRow {
            CustomerRow(id: 1, type: type, parentId: parent, createdAt: Timestamp(nanosecondsSinceEpoch: at), updatedAt: Timestamp(nanosecondsSinceEpoch: at), raw: [])
        }
        #expect(scope.violation(of: row(0), in: window) == nil, "the window's start is inclusive; types match in any case")
        #expect(scope.violation(of: row(-1), in: window) == \OutsideCounts.beforeWindow)
        #expect(scope.violation(of: row(1_000_000_000_001), in: window) == \OutsideCounts.afterWindow)
        #expect(scope.violation(of: row(900_000_000_000), in: window) == \OutsideCounts.atRangeEnd)
        #expect(scope.violation(of: row(5, type: "fleet"), in: window) == \OutsideCounts.types)
        #expect(scope.violation(of: row(5, parent: 8), in: window) == \OutsideCounts.parentId)
    }

    @Test("the id of the first record is read from a body's leading bytes, in either envelope, and never from a nested object or cut digits", arguments: [
        (#"{"meta": {"total": 3}, "data": [{"metadata": {"id": 9}, "id": 4711, "name": "xxxxxxxx"#, "data-meta", "4711"),
        (#"{"data":[{"id":4711,"name":"xxxxxxxx"#, "data-meta", "4711"),
        (#"[{"name": "a\"id\": 5", "id": 12, "x"#, "array", "12"),
        (#"{"data": [{"id": 47"#, "data-meta", nil),
        (#"{"data": [{"name": "xxxxxxxxx"#, "data-meta", nil),
    ] as [(String, String, String?)])
    func leadingId(_ text: String, _ envelope: String, _ expected: String?) throws {
        let id = Array(text.utf8).withUnsafeBufferPointer { LeadingRecordId.firstRecordId($0, envelope: ResponseEnvelope(rawValue: envelope)!) }
        #expect(id == expected)
    }
}
