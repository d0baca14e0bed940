import LibPQ
import Testing
import TestSupport
@testable import CustomerExport

/// One `PostgresLoader` on a real PostgreSQL, fed through its channel as the router feeds it: a
/// completed window's rows, quarantine entries and "done" mark commit in one transaction; a
/// failed window leaves nothing of its staged rows; a window another worker took is not written.
@Suite("Load: PostgresLoader, a window's rows and checkpoint in one transaction", .serialized)
struct PostgresLoaderTests {
    static let january = TimeWindow(field: .createdAt, from: Timestamp(rfc3339: "2024-01-01T00:00:00Z")!, to: Timestamp(rfc3339: "2024-01-31T23:59:59Z")!)
    static let february = TimeWindow(field: .createdAt, from: Timestamp(rfc3339: "2024-02-01T00:00:00Z")!, to: Timestamp(rfc3339: "2024-02-28T23:59:59Z")!)

    /// What the database holds after a loader ran: rows per window start, window statuses, quarantine entries.
    struct Outcome: Sendable {
        var totals: ExportCounts
        var rowIds: [Int64]
        var rowsWithTheirWindowsLoadId: Int
        var statuses: [String]
        var quarantined: [String]
    }

    /// Migrates fresh schemas, plans a run of January and February claimed by `worker` (or by
    /// `claimedBy` when another worker holds them), sends `events` and closes the channel, runs
    /// one loader to the end and reads what it left.
    static func load(claimedBy: String = "loader-test", _ events: @escaping @Sendable () -> [LoadEvent]) async throws -> Outcome {
        try await runBlocking {
            let connection = try TestDatabase.connect()
            let targetSchema = TestDatabase.uniqueName("t"), stateSchema = TestDatabase.uniqueName("s")
            defer { for schema in [targetSchema, stateSchema] { try? TestDatabase.dropSchema(schema) } }
            let target = try TargetTable(schema: targetSchema, table: "customers")
            let state = try StateSchema(stateSchema)
            try SchemaMigrator(target: target, state: state).migrate(connection)
            let store = StateStore(schema: state, connection: connection)
            let runId = try store.createRun(
                pipeline: "p", identity: "loader-test", mode: .backfill, field: .createdAt, from: january.from, to: february.to.adding(nanoseconds: 1),
                target: target, status: .running, windows: [january, february])
            for _ in 0..<2 { _ = try store.claimWindow(runId: runId, worker: claimedBy, lease: .minutes(5), field: .createdAt) }

            let context = CommitContext(
                runId: runId, pipeline: "p", mode: .backfill, rangeEnd: february.to.adding(nanoseconds: 1), worker: "loader-test",
                lease: .minutes(5), claims: ClaimRegistry(), state: state)
            let channel = BoundedChannel<LoadEvent>(capacity: 64)
            for event in events() { _ = channel.send(event) }
            channel.close()
            let totals = try PostgresLoader(connection: try TestDatabase.connect(), target: target, context: context).run(channel)

            let rows = try connection.execute("SELECT id, load_id FROM \(target.qualifiedName) ORDER BY id")
            let windowIds = try connection.execute("SELECT id FROM \(state.table("windows")) WHERE window_from = $1", parameters: [january.from])
            let januaryId = try windowIds.single(Int64.self)
            let statuses = try connection.execute("SELECT status FROM \(state.table("windows")) WHERE run_id = $1 ORDER BY window_from", parameters: [runId])
            let quarantine = try connection.execute("SELECT source_id FROM \(state.table("quarantine")) ORDER BY source_id")
            return Outcome(
                totals: totals, rowIds: try rows.rows.indices.map { try rows.decode(Int64.self, row: $0, column: "id") ?? -1 },
                rowsWithTheirWindowsLoadId: try rows.rows.indices.filter { try rows.decode(Int64.self, row: $0, column: "load_id") == januaryId }.count,
                statuses: statuses.rows.map { $0[0] ?? "" }, quarantined: quarantine.rows.map { $0[0] ?? "" })
        }
    }

    static func copyRows(_ ids: [Int64]) -> [UInt8] {
        var bytes: [UInt8] = []
        for id in ids {
            let created = january.from.adding(.hours(Int64(id)))
            CustomerColumns.encode(
                CustomerRow(id: id, name: "customer \(id)", createdAt: created, updatedAt: created, raw: Array(#"{"id":\#(id)}"#.utf8)), to: &bytes)
        }
        return bytes
    }

    static func summary(kept: Int, quarantined: Int = 0) -> WindowReadSummary {
        var summary = WindowReadSummary()
        summary.apiTotal = kept + quarantined
        summary.attempts = 1
        summary.pages = 1
        summary.rowsFetched = kept + quarantined
        summary.rowsKept = kept
        summary.quarantined = quarantined
        return summary
    }

    @Test("a completed window: its pages' rows, its quarantine entry and its done mark are committed together, under its load id")
    func completedWindowCommitsEverything() async throws {
        let outcome = try await Self.load {
            [
                .stage(Self.january, copyRows: Self.copyRows([1, 2]), rowCount: 2),
                .stage(Self.january, copyRows: Self.copyRows([3]), rowCount: 1),
                .quarantine(Self.january, [QuarantinedRecord(sourceId: "9", reason: "no createdAt", payload: Array(#"{"id":9}"#.utf8))]),
                .complete(Self.january, Self.summary(kept: 3, quarantined: 1)),
            ]
        }
        #expect(outcome.rowIds == [1, 2, 3])
        #expect(outcome.rowsWithTheirWindowsLoadId == 3)
        #expect(outcome.statuses == ["done", "pending"])
        #expect(outcome.quarantined == ["9"])
        #expect(outcome.totals.inserted == 3)
        #expect(outcome.totals.windowsDone == 1)
    }

    @Test("a failed window leaves none of its staged rows and is marked failed; the other window's commit stands")
    func failedWindowLeavesNothing() async throws {
        let outcome = try await Self.load {
            [
                .stage(Self.january, copyRows: Self.copyRows([1]), rowCount: 1),
                .stage(Self.february, copyRows: Self.copyRows([2000]), rowCount: 1),
                .complete(Self.january, Self.summary(kept: 1)),
                .fail(Self.february, Self.summary(kept: 1), reason: "the window kept changing"),
            ]
        }
        #expect(outcome.rowIds == [1])
        #expect(outcome.statuses == ["done", "failed"])
    }

    @Test("a window another worker holds is not committed by this one: no rows, no done mark")
    func takenWindowIsNotWritten() async throws {
        let outcome = try await Self.load(claimedBy: "someone-else") {
            [.stage(Self.january, copyRows: Self.copyRows([1, 2]), rowCount: 2), .complete(Self.january, Self.summary(kept: 2))]
        }
        #expect(outcome.rowIds.isEmpty)
        #expect(outcome.statuses == ["pending", "pending"])
    }
}
