import LibPQ
import Testing
import TestSupport
@testable import CustomerExport

/// The merge step of one window against a real PostgreSQL: plain new rows while every key is new,
/// the merge as soon as one is not, and the same table either way.
@Suite("Load: a window's rows into the target, as new rows or merged", .serialized)
struct WindowMergeTests {
    /// A migrated target in schemas of its own, and one connection to stage and merge on.
    struct Fixture {
        let connection: PostgresConnection
        let target: TargetTable
        let schemas: [String]
        private var stagingNumber = 0

        init(history: Bool = false) throws {
            connection = try TestDatabase.connect()
            let targetSchema = TestDatabase.uniqueName("t"), stateSchema = TestDatabase.uniqueName("s")
            schemas = [targetSchema, stateSchema]
            target = try TargetTable(schema: targetSchema, table: "customers", history: history)
            try SchemaMigrator(target: target, state: try StateSchema(stateSchema)).migrate(connection)
        }

        func close() {
            connection.close()
            for schema in schemas { try? TestDatabase.dropSchema(schema) }
        }

        /// Stages one row per `(id, day of January 2024 it was updated)` in a new temporary table and
        /// merges them in one transaction, as a loader does.
        mutating func merge(_ versions: [(Int64, String)], policy: NewRowsFirst) throws -> ExportCounts {
            let rows = try versions.map { try WindowMergeTests.row($0.0, updated: $0.1) }
            stagingNumber += 1
            let staging = "pg_temp.merge_test_\(stagingNumber)"
            _ = try connection.execute(MergeStatement.createStaging(named: staging))
            var bytes: [UInt8] = []
            for row in rows { CustomerColumns.encode(row, to: &bytes) }
            _ = try connection.copyIn("COPY \(staging) (\(CustomerColumns.names.joined(separator: ", "))) FROM STDIN") { writer in
                try bytes.withUnsafeBytes { try writer.write($0) }
            }
            let merge = WindowMerge(target: target, stagingTable: staging, newRowsFirst: policy, loadId: 7)
            let connection = self.connection
            return try connection.transaction { () throws(PostgresError) -> ExportCounts in try merge.run(on: connection) }
        }

        /// `id updated_at-as-text` of every row, in id order, and whether each has `loaded_at` and no `deleted_at`.
        func contents() throws -> [String] {
            try connection.execute(
                "SELECT id || ' ' || to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ' ' || (loaded_at IS NOT NULL AND deleted_at IS NULL) FROM \(target.qualifiedName) ORDER BY id"
            ).rows.map { $0[0] ?? "" }
        }
    }

    /// What a merge wrote, as `inserted/updated/unchanged asNew`, to compare in one expectation.
    static func summary(_ load: ExportCounts) -> String {
        "\(load.inserted)/\(load.updated)/\(load.unchanged) \(load.windowsInsertedAsNew == 1 ? "as new" : "merged")"
    }

    /// Runs `body` with a fresh fixture on a thread of its own, then drops its schemas: libpq
    /// blocks, and Swift concurrency's few threads must stay free for the in-process simulators
    /// of tests running beside this one. Expectations are checked on what it returns.
    static func withFixture<T: Sendable>(history: Bool = false, _ body: @escaping @Sendable (inout Fixture) throws -> T) async throws -> T {
        try await runBlocking {
            var fixture = try Fixture(history: history)
            defer { fixture.close() }
            return try body(&fixture)
        }
    }

    static func row(_ id: Int64, updated day: String) throws -> CustomerRow {
        let created = try #require(Timestamp(rfc3339: "2024-01-01T00:00:00Z"))
        let updated = try #require(Timestamp(rfc3339: "2024-01-\(day)T00:00:00Z"))
        return CustomerRow(id: id, name: "customer \(id)", createdAt: created, updatedAt: updated,
                           raw: Array(#"{"id":\#(id),"updatedAt":"2024-01-\#(day)T00:00:00Z"}"#.utf8))
    }

    @Test("a window of keys new to the target goes in as plain new rows, with the counts and columns the merge gives")
    func newKeysAreInsertedWithoutTheMerge() async throws {
        let policy = NewRowsFirst()
        let (load, contents) = try await Self.withFixture { fixture in
            (try fixture.merge([(1, "02"), (2, "02"), (3, "02")], policy: policy), try fixture.contents())
        }
        #expect(Self.summary(load) == "3/0/0 as new")
        #expect(policy.conflictCount == 0)
        #expect(contents == ["1 2024-01-02 true", "2 2024-01-02 true", "3 2024-01-02 true"])
    }

    @Test("a window that meets a key already in the target is rolled back to its savepoint and merged: nothing of the abandoned insert remains")
    func anExistingKeyFallsBackToTheMerge() async throws {
        let policy = NewRowsFirst()
        let (load, contents) = try await Self.withFixture { fixture in
            _ = try fixture.merge([(1, "02"), (2, "02")], policy: policy)
            // Id 1 comes back newer, id 2 unchanged, id 3 is new; id 3 is staged first so the
            // abandoned insert has written a row before it fails.
            return (try fixture.merge([(3, "03"), (1, "05"), (2, "02")], policy: policy), try fixture.contents())
        }
        #expect(Self.summary(load) == "1/1/1 merged")
        #expect(policy.conflictCount == 1)
        #expect(contents == ["1 2024-01-05 true", "2 2024-01-02 true", "3 2024-01-03 true"])
    }

    @Test("two versions of one id in a window (it changed between pages): the plain insert fails on the second and the merge keeps the newer")
    func twoVersionsInOneWindowAreMerged() async throws {
        let (load, contents) = try await Self.withFixture { fixture in
            (try fixture.merge([(7, "04"), (8, "04"), (7, "09")], policy: NewRowsFirst()), try fixture.contents())
        }
        #expect(Self.summary(load) == "2/0/0 merged")
        #expect(contents == ["7 2024-01-09 true", "8 2024-01-04 true"])
    }

    @Test("once windows that met existing keys reach minConflicts and outnumber the new ones, the run only merges, even windows of new keys")
    func conflictsTurnPlainInsertsOff() async throws {
        let policy = NewRowsFirst(minConflicts: 1)
        let (triedAfterNew, triedAfterConflict, load, contents) = try await Self.withFixture { fixture in
            _ = try fixture.merge([(1, "02")], policy: policy)
            let afterNew = policy.shouldTry
            _ = try fixture.merge([(1, "03")], policy: policy)
            let afterConflict = policy.shouldTry
            return (afterNew, afterConflict, try fixture.merge([(5, "02"), (6, "02")], policy: policy), try fixture.contents())
        }
        #expect(triedAfterNew && !triedAfterConflict)
        #expect(Self.summary(load) == "2/0/0 merged")
        #expect(contents == ["1 2024-01-03 true", "5 2024-01-02 true", "6 2024-01-02 true"])
    }

    @Test("a few windows sharing boundary records with their neighbours keep plain inserts on while most windows are new")
    func boundaryConflictsKeepPlainInsertsOn() {
        let policy = NewRowsFirst(minConflicts: 2)
        for _ in 0..<3 { policy.recordInsertedAsNew() }
        policy.recordConflict()
        policy.recordConflict()
        #expect(policy.shouldTry, "2 conflicts against 3 new windows")
        policy.recordConflict()
        #expect(!policy.shouldTry, "3 conflicts against 3 new windows")
        let rerun = NewRowsFirst(minConflicts: 2)
        rerun.recordConflict()
        #expect(rerun.shouldTry, "one conflict is below minConflicts")
        rerun.recordConflict()
        #expect(!rerun.shouldTry, "a run over loaded data stops after two")
    }

    @Test("a target with history is always merged, since the merge also opens the history rows")
    func historyTargetsAlwaysMerge() async throws {
        let (load, openHistory) = try await Self.withFixture(history: true) { fixture in
            let load = try fixture.merge([(1, "02"), (2, "02")], policy: NewRowsFirst())
            return (load, try fixture.connection.execute("SELECT count(*) FROM \(fixture.target.historyName) WHERE valid_to IS NULL").rows.first?[0] ?? nil)
        }
        #expect(Self.summary(load) == "2/0/0 merged")
        #expect(openHistory == "2")
    }
}
