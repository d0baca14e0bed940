import CustomersSimulator
import Foundation
import LibPQ
import Testing
import TestSupport

/// One run shared by several worker processes through claims and leases in PostgreSQL.
@Suite("Workers", .serialized)
struct WorkerTests {
    @Test("three workers share a run under live mutations; one is SIGKILLed mid-window and its windows are reclaimed; every window is done once")
    func threeWorkers() async throws {
        try await ExportHarness.with(configure: { $0.customers = 12_000; $0.latencyMilliseconds = 10 }) { harness in
            let start = try await harness.truth()
            let planned = try await Executables.run(
                "customer-export", ["backfill", "--from", "2023-01-01", "--to", "2026-01-01", "--window", "7d", "--plan-only"] + harness.cliFlags,
                environment: harness.cliEnvironment)
            #expect(planned.status == 0, "\(planned.stderr)")
            let runId = try #require(planned.stdout.split(separator: "\n").last.map(String.init))
            #expect(try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).windows WHERE run_id = \(runId) AND status = 'pending'") == 157)
            #expect(try await harness.scalar("SELECT count(*) FROM \(harness.target)") == 0)

            let mutations = Task {
                for _ in 0..<40 {
                    _ = try? await harness.admin("/__admin/mutate?count=3", method: "POST")
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
            let arguments = ["worker", "--run", runId, "--concurrency", "3", "--lease", "2s",
                             "--database-url", harness.databaseURL, "--state-schema", harness.stateSchema]
            let workers = try (0..<3).map { _ in try Executables.start("customer-export", arguments, environment: harness.cliEnvironment) }
            let victim = workers[0]
            // Freeze the victim before reading what it holds: a window it commits between the read
            // and the kill would otherwise make the read stale (CI saw exactly that once).
            var held: [String] = []
            for _ in 0..<400 {
                try await Task.sleep(for: .milliseconds(25))
                let done = try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).windows WHERE completed_by LIKE '%:\(victim.pid)'")
                guard done > 3 else { continue }
                victim.signal(SIGSTOP)
                // A COMMIT the victim sent just before it stopped still finishes on the server:
                // wait until none of its sessions runs a statement (one waiting for the frozen
                // client's COPY data runs none).
                try await harness.waitUntil("the frozen victim's statements finished") {
                    try await harness.scalar("""
                        SELECT count(*) FROM pg_stat_activity WHERE application_name = 'customer-export/\(victim.pid)'
                        AND state = 'active' AND wait_event IS DISTINCT FROM 'ClientRead'
                        """) == 0
                }
                held = try await harness.query("SELECT window_from::text FROM \(harness.stateSchema).windows WHERE claimed_by LIKE '%:\(victim.pid)' AND status = 'pending'")
                    .compactMap { $0[0] ?? nil }
                if !held.isEmpty { break }
                victim.signal(SIGCONT)
            }
            #expect(!held.isEmpty, "the victim was never caught holding a window")
            victim.signal(SIGKILL)
            #expect(await victim.finish().wasSignalled)
            // What the frozen victim held is what it held when it died: it could not commit in
            // between. (Read after the kill instead, a loaded machine lets the 2 s lease run out
            // and the windows be taken over first.) A COMMIT still on its way when it froze is
            // the victim's own window, not an orphan.
            let committedByVictim = Set(try await harness.query(
                "SELECT window_from::text FROM \(harness.stateSchema).windows WHERE completed_by LIKE '%:\(victim.pid)'").compactMap { $0[0] ?? nil })
            let orphaned = held.filter { !committedByVictim.contains($0) }
            #expect(!orphaned.isEmpty, "the victim held no window when it was killed")

            for worker in workers.dropFirst() {
                let outcome = await worker.finish()
                #expect(outcome.status == 0, "\(outcome.stderr)")
            }
            _ = await mutations.value
            _ = try await harness.admin("/__admin/freeze", method: "POST")

            #expect(try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).windows WHERE run_id = \(runId) AND status <> 'done'") == 0)
            for from in orphaned {
                let completer = try await harness.query("SELECT completed_by FROM \(harness.stateSchema).windows WHERE window_from = '\(from)'")
                #expect(completer.first?.first??.hasSuffix(":\(victim.pid)") == false, "window \(from) was not reclaimed")
            }
            let survivors = Set(try await harness.query("SELECT DISTINCT completed_by FROM \(harness.stateSchema).windows").compactMap { $0[0] ?? nil })
            #expect(survivors.count == 3)
            #expect(try await harness.query("SELECT status FROM \(harness.stateSchema).runs").first?.first == "done")

            let end = try await harness.truth()
            let databaseURL = harness.databaseURL
            let target = harness.target
            let violations = try await runBlocking {
                let connection = try PostgresConnection(connectionString: databaseURL)
                defer { connection.close() }
                return try SimulatorTruth.guaranteeViolations(start: start, end: end, target: target, on: connection)
            }
            #expect(violations.missing == 0 && violations.stale == 0 && violations.duplicates == 0, "\(violations)")
            let status = try await Executables.run("customer-export", ["status", "--run", runId, "--database-url", harness.databaseURL, "--state-schema", harness.stateSchema])
            #expect(status.stdout.contains("worker "), "\(status.stdout)")
        }
    }

    /// Debian's CA bundle: a real PEM file (the simulator speaks plain HTTP, so it is only stored).
    static let caBundle = "/etc/ssl/certs/ca-certificates.crt"

    @Test("a worker given only --run-file reads the token from the variable the run was planned with; the stored parameters keep its name and the CA file, never the token")
    func storedParameters() async throws {
        try await ExportHarness.with(configure: { $0.customers = 1500 }) { harness in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("worker-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let pipeline = directory.appendingPathComponent("backfill.yml")
            try "pipeline: reporting\napi:\n  tokenEnv: REPORTING_API_TOKEN\n  retryFor: 3m\n".write(to: pipeline, atomically: true, encoding: .utf8)
            let runFile = directory.appendingPathComponent("run-id")
            let planned = try await Executables.run(
                "customer-export",
                ["backfill", "--pipeline", pipeline.path, "--from", "2023-01-01", "--to", "2026-01-01", "--window", "30d",
                 "--plan-only", "--run-file", runFile.path, "--ca-file", Self.caBundle] + harness.cliFlags,
                environment: ["REPORTING_API_TOKEN": harness.token, "CUSTOMERS_API_TOKEN": ""])
            #expect(planned.status == 0, "\(planned.stderr)")
            let runId = try String(contentsOf: runFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let params = try await harness.query("SELECT params->>'tokenEnv', params->>'retryForSeconds', params::text, params->>'caFile' FROM \(harness.stateSchema).runs WHERE id = \(runId)")
            #expect(params.first?[0] == "REPORTING_API_TOKEN" && params.first?[1] == "180")
            #expect(params.first?[3] == Self.caBundle)
            #expect(params.first?[2]?.contains(harness.token) == false)

            let worker = try await Executables.run(
                "customer-export", ["worker", "--run-file", runFile.path, "--database-url", harness.databaseURL, "--state-schema", harness.stateSchema],
                environment: ["REPORTING_API_TOKEN": harness.token, "CUSTOMERS_API_TOKEN": ""])
            #expect(worker.status == 0, "\(worker.stderr)")
            #expect(try await harness.compareWithTruth(try await harness.truth()).isExact)

            let missing = try await Executables.run(
                "customer-export", ["worker", "--run-file", runFile.path, "--database-url", harness.databaseURL, "--state-schema", harness.stateSchema],
                environment: ["REPORTING_API_TOKEN": "", "CUSTOMERS_API_TOKEN": harness.token])
            #expect(missing.status == 2 && missing.stderr.contains("REPORTING_API_TOKEN"), "\(missing.stderr)")
        }
    }
}
