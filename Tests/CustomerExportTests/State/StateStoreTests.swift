import LibPQ
import Testing
import TestSupport
@testable import CustomerExport

/// The state store on a real PostgreSQL: a plan of thousands of windows written in one call
/// (arrays bound as typed parameters), claims that two workers never share, and a window's
/// checkpoint row written with the counts it was given.
@Suite("State: StateStore, runs, windows and claims", .serialized)
struct StateStoreTests {
    static let start = Timestamp(rfc3339: "2024-01-01T00:00:00Z")!

    /// `count` one-hour windows from 2024-01-01.
    static func hours(_ count: Int) -> [TimeWindow] {
        (0..<count).map { hour in
            let from = start.adding(.hours(Int64(hour)))
            return TimeWindow(field: .createdAt, from: from, to: from.adding(.hours(1)).adding(nanoseconds: -1000))
        }
    }

    /// A fresh state schema and its store, given to `body` on a thread of its own.
    static func withStore<T: Sendable>(_ body: @escaping @Sendable (StateStore, PostgresConnection) throws -> T) async throws -> T {
        try await runBlocking {
            let connection = try TestDatabase.connect()
            let targetSchema = TestDatabase.uniqueName("t"), stateSchema = TestDatabase.uniqueName("s")
            defer { for schema in [targetSchema, stateSchema] { try? TestDatabase.dropSchema(schema) } }
            let state = try StateSchema(stateSchema)
            try SchemaMigrator(target: try TargetTable(schema: targetSchema, table: "customers"), state: state).migrate(connection)
            return try body(StateStore(schema: state, connection: connection), connection)
        }
    }

    static func createRun(_ store: StateStore, windows: [TimeWindow]) throws -> Int64 {
        try store.createRun(
            pipeline: "p", identity: "state-test", mode: .backfill, field: .createdAt, from: start, to: windows.last!.to.adding(nanoseconds: 1000),
            target: try TargetTable(schema: "public", table: "customers"), status: .running, windows: windows)
    }

    @Test("a plan of 2,500 windows is stored whole, with bounds exact to the microsecond, and read back in order")
    func largePlanRoundTrips() async throws {
        let planned = Self.hours(2_500)
        let (stored, counts) = try await Self.withStore { store, _ in
            let runId = try Self.createRun(store, windows: planned)
            return (try store.unfinishedWindows(runId: runId, field: .createdAt), try store.windowCounts(runId: runId))
        }
        #expect(stored == planned)
        #expect(counts.pending == 2_500)
    }

    @Test("two workers never hold one window: claims go in window order, and a released window is claimed again")
    func claimsAreExclusive() async throws {
        let (first, second, third, afterRelease) = try await Self.withStore { store, _ in
            let runId = try Self.createRun(store, windows: Self.hours(2))
            let first = try store.claimWindow(runId: runId, worker: "a", lease: .minutes(5), field: .createdAt)
            let second = try store.claimWindow(runId: runId, worker: "b", lease: .minutes(5), field: .createdAt)
            let third = try store.claimWindow(runId: runId, worker: "c", lease: .minutes(5), field: .createdAt)
            _ = try store.releaseClaim(runId: runId, window: first!, worker: "a")
            return (first, second, third, try store.claimWindow(runId: runId, worker: "c", lease: .minutes(5), field: .createdAt))
        }
        #expect(first == Self.hours(2)[0])
        #expect(second == Self.hours(2)[1])
        #expect(third == nil)
        #expect(afterRelease == first)
    }

    @Test("a window marked done carries the counts it was given, and only its own row changes")
    func markDoneWritesTheCounts() async throws {
        let row = try await Self.withStore { store, connection in
            let windows = Self.hours(2)
            let runId = try Self.createRun(store, windows: windows)
            var read = WindowReadSummary()
            read.apiTotal = 7
            read.attempts = 2
            read.pages = 3
            read.rowsFetched = 9
            read.quarantined = 1
            var load = ExportCounts()
            load.inserted = 5
            load.updated = 1
            load.unchanged = 2
            try store.markDone(runId: runId, window: windows[1], read: read, load: load, worker: "a")
            #expect(try store.remainingWindows(runId: runId) == 1)
            let result = try connection.execute(
                """
                SELECT status, api_total, pages, rows_fetched, rows_inserted, rows_updated, rows_unchanged, rows_quarantined, attempts, completed_by
                FROM \(store.schema.table("windows")) WHERE run_id = $1 ORDER BY window_from
                """, parameters: [runId])
            return result.rows
        }
        #expect(row.count == 2)
        #expect(row[0][0] == "pending")
        #expect(row[1] == ["done", "7", "3", "9", "5", "1", "2", "1", "2", "a"])
    }
}
