import LibPQ
import Testing
import TestSupport
@testable import CustomerExport

/// `WindowComparison` on a real PostgreSQL: one window's API records against the table's live
/// rows, by key and, when rows are left over, by range. Each kind of difference is planted once.
@Suite("Verify: WindowComparison, a window's records against the table", .serialized)
struct WindowComparisonTests {
    static let window = TimeWindow(field: .createdAt, from: Timestamp(rfc3339: "2024-01-01T00:00:00Z")!, to: Timestamp(rfc3339: "2024-01-31T23:59:59Z")!)
    static let rangeEnd = Timestamp(rfc3339: "2024-02-01T00:00:00Z")!
    static func day(_ n: Int) -> Timestamp { window.from.adding(.hours(Int64(24 * n))) }

    /// The table holds ids 1–5 (updated on day 3; id 5 marked deleted) and id 6 outside the
    /// window; the API returns 1 and 2 as loaded, 3 newer than the table, 7 never loaded, and
    /// quarantined 8. Compared with and without the table's count taken first.
    static func compare(tableRows: Int?) async throws -> WindowDifferences {
        try await runBlocking {
            let connection = try TestDatabase.connect()
            let schema = TestDatabase.uniqueName("t"), stateSchema = TestDatabase.uniqueName("s")
            defer { for name in [schema, stateSchema] { try? TestDatabase.dropSchema(name) } }
            let target = try TargetTable(schema: schema, table: "customers")
            try SchemaMigrator(target: target, state: try StateSchema(stateSchema)).migrate(connection)
            for id in Int64(1)...6 {
                let created = id == 6 ? rangeEnd.adding(.hours(1)) : day(Int(id))
                _ = try connection.execute(
                    "INSERT INTO \(target.qualifiedName) (id, name, created_at, updated_at, raw, deleted_at) VALUES ($1, $2, $3, $4, '{}', CASE WHEN $5 THEN now() END)",
                    parameters: [id, "c\(id)", created, day(10), id == 5])
            }
            var api = WindowRecords()
            api.records = [1: day(10), 2: day(10), 3: day(12), 7: day(10)]
            api.rejectedIds = [8]
            let comparison = WindowComparison(target: target, filter: TableFilter(filters: CustomerFilters()), rangeEnd: rangeEnd, startedAt: day(40))
            return try comparison.compare(window, api, tableRows: tableRows, on: connection).differences
        }
    }

    @Test("missing, stale and extra rows are each found, with examples; a deleted row and a row after the range are not live", arguments: [nil, 4])
    func plantedDifferences(tableRows: Int?) async throws {
        let differences = try await Self.compare(tableRows: tableRows)
        #expect(differences.missing == 1)
        #expect(differences.stale == 1)
        #expect(differences.extra == 1)
        #expect(differences.quarantined == 1)
        #expect(differences.examples["missing"] == [7])
        #expect(differences.examples["stale"] == [3])
        #expect(differences.examples["extra"] == [4])
    }
}
