import Foundation
import LibPQ
import Testing
import TestSupport

/// The export as a shared reporting database runs it: a role that owns nothing and has no
/// privilege on the database, only what a DBA granted on two schemas.
@Suite("Least privilege")
struct LeastPrivilegeTests {
    /// A login role made for one test (the test database's role has CREATEROLE), with the
    /// connection string that logs in as it.
    struct LimitedRole {
        let name = TestDatabase.uniqueName("lp")
        let password = "lp-\(UUID().uuidString.prefix(8))"

        var databaseURL: String {
            get throws {
                let base = try TestDatabase.connectionString()
                let scheme = try #require(base.range(of: "://"))
                let at = try #require(base.range(of: "@", range: scheme.upperBound..<base.endIndex))
                return base.replacingCharacters(in: scheme.upperBound..<at.lowerBound, with: "\(name):\(password)")
            }
        }

        /// Runs `body` with the role created and `setup` done, then drops the harness's schemas
        /// (which the test database's role owns, so the limited role's tables go with them) and
        /// the role, on every path.
        func with(_ harness: ExportHarness, _ setup: [String], _ body: () async throws -> Void) async throws {
            var failure: (any Error)?
            do {
                try await Self.execute(["CREATE ROLE \(name) LOGIN PASSWORD '\(password)'"] + setup)
                try await body()
            } catch {
                failure = error
            }
            await harness.cleanup()
            try? await Self.execute(["DROP ROLE IF EXISTS \(name)"])
            if let failure { throw failure }
        }

        static func execute(_ statements: [String]) async throws {
            try await runBlocking {
                let connection = try TestDatabase.connect()
                defer { connection.close() }
                for statement in statements { try connection.execute(statement) }
            }
        }
    }

    static func schemas(_ harness: ExportHarness) -> [String] {
        ["CREATE SCHEMA \(harness.targetSchema)", "CREATE SCHEMA \(harness.stateSchema)"]
    }

    @Test("a role with USAGE, CREATE on the target and state schemas only (no database CREATE, not the owner) runs a backfill to the exact table")
    func schemaGrantsOnly() async throws {
        let harness = try await ExportHarness.start { $0.customers = 1500 }
        let role = LimitedRole()
        try await role.with(harness, Self.schemas(harness) + [
            "GRANT USAGE, CREATE ON SCHEMA \(harness.targetSchema) TO \(role.name)",
            "GRANT USAGE, CREATE ON SCHEMA \(harness.stateSchema) TO \(role.name)",
        ]) {
            let url = try role.databaseURL
            let privileges = try await harness.query("SELECT has_database_privilege('\(role.name)', current_database(), 'CREATE')::text")
            #expect(privileges.first?.first == "false")
            let arguments = ["backfill", "--from", "2023-01-01", "--to", "2026-01-01", "--api-url", harness.simulator.baseURL,
                             "--database-url", url, "--target-schema", harness.targetSchema, "--state-schema", harness.stateSchema]
            let outcome = try await Executables.run("customer-export", arguments, environment: harness.cliEnvironment)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            // Only the role that owns the tables may read them: compare as that role.
            let asRole = ExportHarness(simulator: harness.simulator, databaseURL: url, targetSchema: harness.targetSchema, stateSchema: harness.stateSchema)
            #expect(try await asRole.compareWithTruth(try await harness.truth()).isExact)
            let owner = try await harness.query("SELECT tableowner FROM pg_tables WHERE schemaname = '\(harness.targetSchema)' AND tablename = 'customers'")
            #expect(owner.first?.first == role.name)
            let again = try await Executables.run("customer-export", arguments, environment: harness.cliEnvironment)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try await asRole.scalar("SELECT count(*) FROM \(harness.stateSchema).runs") == 1)
        }
    }

    @Test("without CREATE on the target schema the run exits 4 naming the privilege, the schema and the GRANT, and writes nothing")
    func missingCreate() async throws {
        let harness = try await ExportHarness.start { $0.customers = 200 }
        let role = LimitedRole()
        try await role.with(harness, Self.schemas(harness) + [
            "GRANT USAGE ON SCHEMA \(harness.targetSchema) TO \(role.name)",
            "GRANT USAGE, CREATE ON SCHEMA \(harness.stateSchema) TO \(role.name)",
        ]) {
            let outcome = try await Executables.run(
                "customer-export",
                ["backfill", "--from", "2024-01-01", "--to", "2024-02-01", "--api-url", harness.simulator.baseURL, "--database-url", try role.databaseURL,
                 "--target-schema", harness.targetSchema, "--state-schema", harness.stateSchema],
                environment: harness.cliEnvironment)
            #expect(outcome.status == 4, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("lacks CREATE on schema \(harness.targetSchema)"), "\(outcome.stderr)")
            #expect(outcome.stderr.contains("GRANT CREATE ON SCHEMA \"\(harness.targetSchema)\" TO \"\(role.name)\";"), "\(outcome.stderr)")
            #expect(!outcome.stderr.contains(role.password))
            #expect(try await harness.scalar("SELECT count(*) FROM pg_tables WHERE schemaname IN ('\(harness.targetSchema)', '\(harness.stateSchema)')") == 0)
        }
    }

    @Test("an owner runs `migrate --grant-to`; a role with only those grants (USAGE and row privileges, no CREATE) then exports")
    func migrateAsOwner() async throws {
        let harness = try await ExportHarness.start { $0.customers = 1500 }
        let role = LimitedRole()
        try await role.with(harness, Self.schemas(harness)) {
            let migrated = try await Executables.run(
                "customer-export",
                ["migrate", "--database-url", harness.databaseURL, "--target-schema", harness.targetSchema,
                 "--state-schema", harness.stateSchema, "--grant-to", role.name],
                environment: [:])
            #expect(migrated.status == 0, "\(migrated.stderr)")
            #expect(migrated.stdout.contains("role \(role.name) may now export into it"), "\(migrated.stdout)")
            let create = try await harness.query("SELECT has_schema_privilege('\(role.name)', '\(harness.targetSchema)', 'CREATE')::text")
            #expect(create.first?.first == "false")
            let outcome = try await Executables.run(
                "customer-export",
                ["backfill", "--from", "2023-01-01", "--to", "2026-01-01", "--api-url", harness.simulator.baseURL, "--database-url", try role.databaseURL,
                 "--target-schema", harness.targetSchema, "--state-schema", harness.stateSchema],
                environment: harness.cliEnvironment)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(try await harness.compareWithTruth(try await harness.truth()).isExact)
            let owned = try await harness.scalar("SELECT count(*) FROM pg_tables WHERE tableowner = '\(role.name)'")
            #expect(owned == 0)
        }
    }
}
