import CustomerExport
import CustomersSimulator
import Foundation
import Testing
import TestSupport

/// The product's promise, end to end: the simulator over real HTTP, a real PostgreSQL.
@Suite("Backfill end to end", .serialized)
struct BackfillEndToEndTests {
    @Test("a 20,000-customer backfill over 2023–2025 equals the truth; poison is quarantined; a second run changes nothing")
    func backfillEqualsTruth() async throws {
        try await ExportHarness.with(configure: { $0.customers = 20_000; $0.poison = 14 }) { harness in

            let report = try await harness.run(try harness.backfill())
            #expect(report.exitCode == 0, "\(report.summary)")
            #expect(report.windows.failed == 0 && report.windows.pending == 0)
            // An empty target: windows go in as plain new rows (NewRowsFirst), not through the merge.
            #expect(report.loader.windowsInsertedAsNew > 0, "\(report.loader)")
            let truth = try await harness.truth()
            #expect(truth.customers.count == 20_000)
            let comparison = try await harness.compareWithTruth(truth)
            #expect(comparison.isExact, "\(comparison)")
            #expect(comparison.rows == truth.customers.count + truth.repairedPoison.count)

            // Every poison record that cannot be repaired is in quarantine, with a reason; the
            // repaired ones (a NUL removed) are in the table, flagged.
            let quarantined = try await harness.query("SELECT reason, payload FROM \(harness.stateSchema).quarantine")
            #expect(quarantined.count == truth.quarantinablePoison.count)
            for poison in truth.quarantinablePoison {
                #expect(quarantined.contains { ($0[1] ?? "").contains(poison.name) }, "poison \(poison.kind) \(poison.id) not quarantined")
            }
            #expect(quarantined.allSatisfy { !($0[0] ?? "").isEmpty })
            let flagged = try await harness.scalar("SELECT count(*) FROM \(harness.target) WHERE 'nul_removed' = ANY(quality_flags)")
            #expect(flagged == truth.repairedPoison.count)

            // Running the same backfill again finds every window done and writes nothing.
            let loadedAt = try await harness.query("SELECT max(loaded_at)::text FROM \(harness.target)")
            let again = try await harness.run(try harness.backfill())
            #expect(again.exitCode == 0)
            #expect(again.pages == 0 && again.rows.inserted == 0 && again.rows.updated == 0)
            // --restart reads everything again and still changes nothing.
            let restarted = try await harness.run(try harness.backfill { $0.set("--restart", switch: true) })
            #expect(restarted.exitCode == 0)
            #expect(restarted.rows.inserted == 0 && restarted.rows.updated == 0)
            #expect(restarted.rows.unchanged >= 20_000)
            // Every key exists now: the first windows' plain inserts are rolled back, the rest merge.
            #expect(restarted.loader.windowsInsertedAsNew == 0)
            #expect(try await harness.query("SELECT max(loaded_at)::text FROM \(harness.target)") == loadedAt)
            #expect(try await harness.compareWithTruth(truth).isExact)
        }
    }

    @Test("faults of every kind are retried and the table still equals the truth")
    func faults() async throws {
        let harness = try await ExportHarness.start {
            $0.customers = 3000
            $0.faults = FaultRates.evenly(0.15)
            $0.retryAfterSeconds = 0
            $0.slowMilliseconds = 200
        }
        defer { Task { await harness.cleanup() } }
        let report = try await harness.run(try harness.backfill { $0.set("--window", "30d"); $0.set("--page-size", 50) })
        #expect(report.exitCode == 0, "\(report.summary)")
        #expect(report.requests.retriesByStatus.values.reduce(0, +) > 0)
        #expect(try await harness.compareWithTruth(try await harness.truth()).isExact)
    }

    @Test("windows over the row limit are split in halves and the table still equals the truth")
    func splitting() async throws {
        try await ExportHarness.with(configure: { $0.customers = 4000 }) { harness in
            let report = try await harness.run(try harness.backfill { $0.set("--window", "365d"); $0.set("--max-window-rows", 400); $0.set("--page-size", 100) })
            #expect(report.exitCode == 0, "\(report.summary)")
            #expect(report.windows.split > 0)
            #expect(try await harness.compareWithTruth(try await harness.truth()).isExact)
        }
    }

    @Test("the bare-array envelope (no total) is read ahead until a short page and equals the truth")
    func arrayEnvelope() async throws {
        try await ExportHarness.with(configure: { $0.customers = 3000; $0.envelope = .array }) { harness in
            var request = try harness.backfill { $0.set("--window", "90d"); $0.set("--page-size", 50) }
            request.api.envelope = .array
            let report = try await harness.run(request)
            #expect(report.exitCode == 0, "\(report.summary)")
            #expect(try await harness.compareWithTruth(try await harness.truth()).isExact)
        }
    }

    @Test("a run killed with SIGKILL mid-way resumes the same run and ends with the same table")
    func killAndResume() async throws {
        try await ExportHarness.with(configure: { $0.customers = 20_000; $0.latencyMilliseconds = 3 }) { harness in
            let arguments = ["backfill", "--from", "2023-01-01", "--to", "2026-01-01", "--concurrency", "4"] + harness.cliFlags + ExportHarness.dayWindows
            let child = try Executables.start("customer-export", arguments, environment: harness.cliEnvironment)
            // Wait until some windows are committed, then kill without warning.
            let done = try await harness.waitForDoneWindows(atLeast: 100, while: child)
            child.signal(SIGKILL)
            let killed = await child.finish()
            #expect(killed.wasSignalled, "the run ended before it could be killed: \(killed.stderr)")
            #expect(done >= 100)
            #expect(try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).windows WHERE status <> 'done'") > 0)

            let resumed = try await Executables.run("customer-export", arguments, environment: harness.cliEnvironment)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).runs") == 1)
            #expect(try await harness.compareWithTruth(try await harness.truth()).isExact)
        }
    }
}
