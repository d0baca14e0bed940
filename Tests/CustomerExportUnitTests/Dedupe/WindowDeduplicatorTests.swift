import Testing
@testable import CustomerExport

@Suite("Dedupe: one window's ids")
struct WindowDeduplicatorTests {
    @Test("dedupe keeps the newest version per id and counts duplicates and stale rows")
    func dedupe() throws {
        let t1 = try #require(Timestamp(rfc3339: "2024-01-01T00:00:00Z"))
        let t2 = t1.adding(.seconds(1))
        let dedupe = WindowDeduplicator()
        let first = dedupe.admit([CustomerRow(id: 1, createdAt: t1, updatedAt: t2, raw: []), CustomerRow(id: 2, createdAt: t1, updatedAt: t1, raw: [])])
        #expect(first.kept.count == 2)
        let second = dedupe.admit([
            CustomerRow(id: 1, createdAt: t1, updatedAt: t1, raw: []),
            CustomerRow(id: 2, createdAt: t1, updatedAt: t1, raw: []),
            CustomerRow(id: 2, createdAt: t1, updatedAt: t2, raw: []),
        ])
        #expect(second.stale == 1 && second.duplicates == 1 && second.kept.map(\.id) == [2])
        #expect(dedupe.distinctIds == 2)
    }
}
