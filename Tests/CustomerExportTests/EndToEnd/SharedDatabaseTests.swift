import Foundation
import LibPQ
import Testing
import TestSupport

extension ProductionScenarios {
    /// A reporting database that other people use: a reader's lock never holds the night (#19).
    @Suite("Good citizen on a shared database")
    struct SharedDatabaseTests {
        /// Creates the target through `migrate`, so that a reader can lock it before a run starts.
        func migrate(_ harness: ExportHarness) async throws {
            let outcome = try await Executables.run(
                "customer-export", ["migrate", "--database-url", harness.databaseURL, "--target-schema", harness.targetSchema, "--state-schema", harness.stateSchema])
            #expect(outcome.status == 0, "\(outcome.stderr)")
        }

        /// Waits (up to 2 minutes) until some session waits for a lock on the target.
        func waitForBlockedStatement(_ harness: ExportHarness, while child: ChildProcess) async throws -> Bool {
            let deadline = ContinuousClock.now + .seconds(120)
            while child.process.isRunning, ContinuousClock.now < deadline {
                let waiting = try await harness.scalar(
                    "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = to_regclass('\(harness.target)')")
                if waiting > 0 { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }

        @Test("SIGTERM while a merge waits on a reader's SHARE lock: exit 5 in under 10 s, and the same command resumes to the exact table")
        func sigtermDuringLockedMerge() async throws {
            try await ExportHarness.with(configure: { $0.customers = 2000 }) { harness in
                try await migrate(harness)
                let reader = try TestDatabase.connect()
                defer { reader.close() }
                try reader.execute("BEGIN")
                try reader.execute("LOCK TABLE \(harness.target) IN SHARE MODE")
                let arguments = ["backfill", "--from", "2023-01-01", "--to", "2026-01-01"] + harness.cliFlags
                let child = try Executables.start("customer-export", arguments, environment: harness.cliEnvironment)
                #expect(try await waitForBlockedStatement(harness, while: child), "the run never waited on the lock")
                let signalled = ContinuousClock.now
                child.signal(SIGTERM)
                let outcome = await child.finish()
                let seconds = Double((ContinuousClock.now - signalled).components.seconds)
                #expect(outcome.status == 5, "\(outcome.stderr.suffix(2000))")
                #expect(seconds < 10, "took \(seconds) s to exit after SIGTERM")
                print("SIGTERM during a locked merge: exit \(outcome.status) after \(seconds) s")
                try reader.execute("COMMIT")
                let resumed = try await Executables.run("customer-export", arguments, environment: harness.cliEnvironment)
                #expect(resumed.status == 0, "\(resumed.stderr.suffix(2000))")
                let comparison = try await harness.compareWithTruth(try await harness.truth())
                #expect(comparison.missing == 0 && comparison.extra == 0 && comparison.wrongVersion == 0, "\(comparison)")
            }
        }

        @Test("a reader holding its lock for a few seconds: the run waits in short tries, says so, and finishes with exit 0")
        func waitsOutAShortLock() async throws {
            try await ExportHarness.with(configure: { $0.customers = 2000 }) { harness in
                try await migrate(harness)
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("locks-\(UUID().uuidString).yaml")
                try "pipeline: backfill\ndatabase:\n  lockTimeout: 500ms\n".write(to: file, atomically: true, encoding: .utf8)
                defer { try? FileManager.default.removeItem(at: file) }
                let reader = try TestDatabase.connect()
                defer { reader.close() }
                try reader.execute("BEGIN")
                try reader.execute("LOCK TABLE \(harness.target) IN SHARE MODE")
                let child = try Executables.start(
                    "customer-export", ["backfill", "--pipeline", file.path, "--from", "2023-01-01", "--to", "2026-01-01"] + harness.cliFlags,
                    environment: harness.cliEnvironment)
                // The run's waits are short tries: between them no statement of ours is queued.
                let deadline = ContinuousClock.now + .seconds(120)
                while child.process.isRunning, ContinuousClock.now < deadline, !child.stderrSoFar.contains("waiting for a lock on") {
                    try await Task.sleep(for: .milliseconds(100))
                }
                try await Task.sleep(for: .seconds(3))
                try reader.execute("COMMIT")
                let outcome = await child.finish()
                #expect(outcome.status == 0, "\(outcome.stderr.suffix(2000))")
                #expect(outcome.stderr.contains("waiting for a lock on \(harness.target)"), "\(outcome.stderr.suffix(2000))")
                let comparison = try await harness.compareWithTruth(try await harness.truth())
                #expect(comparison.missing == 0 && comparison.extra == 0 && comparison.wrongVersion == 0, "\(comparison)")
            }
        }

        @Test("a CHECK the target's owner added refuses some records: each is quarantined with PostgreSQL's message, the rest of its window loads, exit 0")
        func targetRefusesSomeRecords() async throws {
            try await ExportHarness.with(configure: { $0.customers = 2000 }) { harness in
                try await migrate(harness)
                _ = try await harness.query("ALTER TABLE \(harness.target) ADD CONSTRAINT no_multiples_of_97 CHECK (id % 97 <> 0)")
                let outcome = try await Executables.run(
                    "customer-export", ["backfill", "--from", "2023-01-01", "--to", "2026-01-01"] + harness.cliFlags, environment: harness.cliEnvironment)
                #expect(outcome.status == 0, "\(outcome.stderr.suffix(2000))")
                let truth = try await harness.truth()
                let refused = Set(truth.customers.map(\.id).filter { $0 % 97 == 0 }.map(String.init))
                #expect(!refused.isEmpty)
                let rows = try await harness.query("SELECT source_id, reason FROM \(harness.stateSchema).quarantine")
                #expect(Set(rows.compactMap { $0[0] }) == refused, "\(rows.count) entries for \(refused.count) refused ids")
                #expect(rows.allSatisfy { $0[1]?.contains("SQLSTATE 23514") == true && $0[1]?.contains("no_multiples_of_97") == true }, "\(rows.prefix(2))")
                let comparison = try await harness.compareWithTruth(truth)
                #expect(comparison.missing == refused.count && comparison.extra == 0 && comparison.wrongVersion == 0, "\(comparison)")

                // quarantine retry meets the same rule: they stay, with the target's reason; once the
                // owner drops the rule, they merge.
                let retry = ["quarantine", "retry", "--database-url", harness.databaseURL, "--state-schema", harness.stateSchema]
                let kept = try await Executables.run("customer-export", retry, environment: harness.cliEnvironment)
                #expect(kept.status == 0, "\(kept.stderr.suffix(2000))")
                #expect(try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).quarantine WHERE reason LIKE '%23514%'") == refused.count)
                _ = try await harness.query("ALTER TABLE \(harness.target) DROP CONSTRAINT no_multiples_of_97")
                let merged = try await Executables.run("customer-export", retry, environment: harness.cliEnvironment)
                #expect(merged.status == 0, "\(merged.stderr.suffix(2000))")
                #expect(try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).quarantine") == 0)
                let after = try await harness.compareWithTruth(truth)
                #expect(after.missing == 0 && after.extra == 0 && after.wrongVersion == 0, "\(after)")
            }
        }

        @Test("a role whose statement_timeout is shorter than a window's merge: the window is merged in smaller parts, exit 0")
        func statementTimeoutShorterThanAMerge() async throws {
            try await ExportHarness.with(configure: { $0.customers = 2000 }) { harness in
                try await migrate(harness)
                _ = try await harness.query("""
                    CREATE FUNCTION \(harness.targetSchema).slow_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.002); RETURN NEW; END $$;
                    CREATE TRIGGER slow BEFORE INSERT OR UPDATE ON \(harness.target) FOR EACH ROW EXECUTE FUNCTION \(harness.targetSchema).slow_row();
                    """)
                let separator = harness.databaseURL.contains("?") ? "&" : "?"
                let databaseURL = harness.databaseURL + separator + "options=-c%20statement_timeout%3D1000"
                let flags = ["--api-url", harness.simulator.baseURL, "--database-url", databaseURL, "--target-schema", harness.targetSchema, "--state-schema", harness.stateSchema]
                let outcome = try await Executables.run(
                    "customer-export", ["backfill", "--from", "2023-01-01", "--to", "2026-01-01"] + flags, environment: harness.cliEnvironment)
                #expect(outcome.status == 0, "\(outcome.stderr.suffix(2000))")
                let comparison = try await harness.compareWithTruth(try await harness.truth())
                #expect(comparison.missing == 0 && comparison.extra == 0 && comparison.wrongVersion == 0, "\(comparison)")
                #expect(try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).quarantine") == 0)
            }
        }
    }
}
