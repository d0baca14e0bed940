import Foundation
import LibPQ
import Testing
import TestSupport
@testable import CustomerExport

/// The parts of verify on their own: the sample, the window sizes, the table's counts.
@Suite("Verify's parts")
struct VerifyPartsTests {
    @Test("the sample is the same for the same seed, at least one window, none at 0%")
    func sample() {
        let candidates = Array(0..<200)
        let first = WindowSample(fraction: 0.03, seed: 42).choose(from: candidates)
        #expect(first == WindowSample(fraction: 0.03, seed: 42).choose(from: candidates))
        #expect(first.count == 6 && Set(first).count == 6)
        #expect(first != WindowSample(fraction: 0.03, seed: 43).choose(from: candidates))
        #expect(WindowSample(fraction: 0.03, seed: 1).choose(from: Array(0..<5)).count == 1)
        #expect(WindowSample(fraction: 0, seed: 1).choose(from: candidates).isEmpty)
        #expect(WindowSample(fraction: 1, seed: 1).choose(from: candidates) == candidates)
    }

    @Test("windows hold about --window-rows records on average; pieces tile a window")
    func sizes() throws {
        var run = RunRequest(pipeline: "p", mode: .backfill, api: APIConfiguration(baseURL: "http://127.0.0.1:1", token: "t"), databaseURL: "",
                             target: try TargetTable(schema: "s", table: "c"), state: try StateSchema("s_state"))
        run.targetWindowRows = 20_000
        let from = Timestamp(rfc3339: "2023-01-01T00:00:00Z")!
        let to = Timestamp(rfc3339: "2026-01-01T00:00:00Z")!
        #expect(VerifyWindowSizing.windows(from: from, to: to, rangeTotal: 1_000_000, request: run).windows.count == 50)
        #expect(VerifyWindowSizing.windows(from: from, to: to, rangeTotal: 0, request: run).windows.count == 1)
        #expect(VerifyWindowSizing.windows(from: from, to: to, rangeTotal: nil, request: run).windows.count == 1096)
        run.windowSize = .days(7)
        #expect(VerifyWindowSizing.windows(from: from, to: to, rangeTotal: 1_000_000, request: run).windows.count == 157)

        let window = TimeWindow(field: .createdAt, from: from, to: to)
        let pieces = TableVerifier.pieces(of: window, rows: 20_000, pieceRows: 6_400)
        #expect(pieces.count == 4)
        #expect(pieces.first?.from == from && pieces.last?.to == to)
        #expect(zip(pieces, pieces.dropFirst()).allSatisfy { $0.to == $1.from })
        #expect(TableVerifier.pieces(of: window, rows: 100, pieceRows: 6_400) == [window])
    }

    @Test("the table's counts: bounds inclusive as the API's, a row on a shared bound in both windows, the range's end, deletions and filters")
    func tableCounts() throws {
        try TestDatabase.withSchema { connection, schema in
            let target = try TargetTable(schema: schema, table: "customers")
            for statement in target.creationStatements { try connection.execute(statement) }
            try connection.execute(
                """
                INSERT INTO \(target.qualifiedName) (id, type, created_at, updated_at, raw, deleted_at) VALUES
                  (1, 'private',  '2024-01-01 00:00:00+00', '2024-01-01', '{}', NULL),
                  (2, 'private',  '2024-01-01 12:00:00+00', '2024-01-02', '{}', NULL),
                  (3, 'business', '2024-01-02 00:00:00+00', '2024-01-02', '{}', NULL),
                  (4, 'private',  '2024-01-02 06:00:00+00', '2024-01-02', '{}', '2024-05-01'),
                  (5, 'private',  '2024-01-02 18:00:00+00', '2024-01-03', '{}', NULL),
                  (6, 'private',  '2024-01-03 00:00:00+00', '2024-01-03', '{}', NULL),
                  (7, 'private',  '2023-12-31 23:59:59+00', '2024-01-03', '{}', NULL)
                """)
            let day = { (text: String) in Timestamp(rfc3339: text + "T00:00:00Z")! }
            let windows = [
                TimeWindow(field: .createdAt, from: day("2024-01-01"), to: day("2024-01-02")),
                TimeWindow(field: .createdAt, from: day("2024-01-02"), to: day("2024-01-03")),
            ]
            let all = TableWindowCounts(target: target, filter: TableFilter(filters: CustomerFilters()), rangeEnd: day("2024-01-03"))
            // Row 3 sits on the shared bound: in both. Row 6 is on the range's end: in neither. Row 4 is deleted.
            #expect(try all.counts(windows, on: connection) == [3, 2])
            let businesses = TableWindowCounts(target: target, filter: TableFilter(filters: CustomerFilters(types: ["business"])), rangeEnd: day("2024-01-04"))
            #expect(try businesses.counts(windows, on: connection) == [1, 1])
            #expect(try TargetShape(target: target).exists(connection))
            #expect(try !TargetShape(target: try TargetTable(schema: schema, table: "nothing")).exists(connection))
        }
    }

    @Test("a filter value cannot end the array literal early")
    func arrayLiteral() {
        #expect(["a", "b\",\"c", "d\\"].postgresText == #"{"a","b\",\"c","d\\"}"#)
    }
}
