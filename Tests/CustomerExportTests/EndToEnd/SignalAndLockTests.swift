import CustomersSimulator
import Foundation
import Testing
import TestSupport

/// SIGINT/SIGTERM stop a run cleanly and resumably; one writer per pipeline.
@Suite("Signals and the pipeline lock", .serialized)
struct SignalAndLockTests {
    static let arguments = ["backfill", "--from", "2023-01-01", "--to", "2026-01-01", "--concurrency", "2"]

    @Test("SIGINT and SIGTERM stop within seconds with exit 5, and the same command resumes to the exact table", arguments: [SIGINT, SIGTERM])
    func interrupt(_ signal: Int32) async throws {
        try await ExportHarness.with(configure: { $0.customers = 6000; $0.latencyMilliseconds = 15 }) { harness in
            let arguments = Self.arguments + harness.cliFlags + ExportHarness.dayWindows
            let child = try Executables.start("customer-export", arguments, environment: harness.cliEnvironment)
            #expect(try await harness.waitForDoneWindows(atLeast: 20, while: child) >= 20)
            let sent = Date()
            child.signal(signal)
            let outcome = await child.finish()
            #expect(Date().timeIntervalSince(sent) < 10)
            #expect(outcome.status == 5, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("resume"), "\(outcome.stderr)")
            let status = try await harness.query("SELECT status FROM \(harness.stateSchema).runs")
            #expect(status.first?.first == "interrupted")

            let resumed = try await Executables.run("customer-export", arguments, environment: harness.cliEnvironment)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(try await harness.compareWithTruth(try await harness.truth()).isExact)
        }
    }

    @Test("a second run of the same pipeline fails fast naming the active run; with --wait it queues and then resumes it")
    func oneWriter() async throws {
        try await ExportHarness.with(configure: { $0.customers = 6000; $0.latencyMilliseconds = 40 }) { harness in
            let arguments = Self.arguments + harness.cliFlags + ExportHarness.dayWindows
            let first = try Executables.start("customer-export", arguments, environment: harness.cliEnvironment)
            #expect(try await harness.waitForDoneWindows(atLeast: 5, while: first) >= 5)

            let second = try await Executables.run("customer-export", arguments, environment: harness.cliEnvironment)
            #expect(second.status == 6, "\(second.stderr)")
            let runId = try await harness.scalar("SELECT id FROM \(harness.stateSchema).runs")
            #expect(second.stderr.contains("run \(runId)"), "\(second.stderr)")

            let waiting = try Executables.start("customer-export", arguments + ["--wait"], environment: harness.cliEnvironment)
            // The first run stops only once the second waits on the pipeline's lock (an advisory
            // lock not granted), so the order is the state's, not a clock's.
            let deadline = ContinuousClock.now + .seconds(60)
            while try await harness.scalar("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            first.signal(SIGTERM)
            let interrupted = await first.finish()
            #expect(interrupted.status == 5, "\(interrupted.stderr)")
            let queued = await waiting.finish()
            #expect(queued.status == 0, "\(queued.stderr)")
            #expect(try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).runs") == 1)
            #expect(try await harness.compareWithTruth(try await harness.truth()).isExact)
        }
    }
}
