import CustomersSimulator
import Foundation
import Testing
import TestSupport

/// Bad input gets one clear sentence, its documented exit code, and nothing written.
@Suite("Command-line errors", .serialized)
struct CommandLineErrorTests {
    @Test("usage and configuration errors exit 2 with one sentence and write nothing", arguments: [
        (["--from", "2024-02-01", "--to", "2024-01-01"], "must be before"),
        (["--from", "2024-02-30", "--to", "2025-01-01"], "is not a date"),
        (["--from", "2024-01-01", "--to", "2025-01-01", "--window", "0s"], "positive duration"),
        (["--from", "2024-01-01", "--to", "2025-01-01", "--concurrency", "0"], "at least 1"),
        (["--from", "2024-01-01"], "Missing expected argument '--to"),
    ])
    func usage(_ arguments: [String], _ expected: String) async throws {
        try await ExportHarness.with { harness in
            let outcome = try await Executables.run("customer-export", ["backfill"] + arguments + harness.cliFlags, environment: harness.cliEnvironment)
            #expect(outcome.status == 2, "\(outcome.stderr)")
            #expect(outcome.stderr.contains(expected), "\(outcome.stderr)")
            #expect(try await harness.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = '\(harness.stateSchema)'") == 0)
        }
    }

    @Test("an unknown key in a pipeline file exits 2 and names the key")
    func unknownKey() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).yml")
        try "pipeline: x\napi:\n  url: http://127.0.0.1:1\nconcurency: 4\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let outcome = try await Executables.run("customer-export", ["run", file.path], environment: ["CUSTOMERS_API_TOKEN": "t"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("unknown key `concurency`"), "\(outcome.stderr)")
    }

    @Test("a wrong token exits 3 with the API's message, the token redacted, nothing written")
    func wrongToken() async throws {
        try await ExportHarness.with { harness in
            let outcome = try await Executables.run(
                "customer-export", ["backfill", "--from", "2024-01-01", "--to", "2024-02-01"] + harness.cliFlags,
                environment: ["CUSTOMERS_API_TOKEN": "wrong-secret-value"])
            #expect(outcome.status == 3, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("403"))
            #expect(!outcome.stderr.contains("wrong-secret-value"))
            #expect(try await harness.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = '\(harness.stateSchema)'") == 0)
        }
    }

    @Test("an unreachable database exits 4 and never prints the password")
    func unreachableDatabase() async throws {
        try await ExportHarness.with { harness in
            let wrongPassword = harness.databaseURL.replacingOccurrences(of: "export-secret", with: "not-the-password")
            for (url, expected) in [("postgresql://export:hunter2@127.0.0.1:1/export", "cannot connect"), (wrongPassword, "refused the credentials")] {
                let outcome = try await Executables.run(
                    "customer-export", ["backfill", "--from", "2024-01-01", "--to", "2024-02-01", "--api-url", harness.simulator.baseURL, "--database-url", url],
                    environment: harness.cliEnvironment)
                #expect(outcome.status == 4, "\(outcome.stderr)")
                #expect(outcome.stderr.contains(expected), "\(outcome.stderr)")
                #expect(!outcome.stderr.contains("hunter2") && !outcome.stderr.contains("not-the-password"))
            }
        }
    }

    @Test("an unreachable API exits 1 after its retries, with the URL to check, nothing written")
    func unreachableAPI() async throws {
        try await ExportHarness.with { harness in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("unreachable-\(UUID().uuidString).yml")
            try "pipeline: unreachable\napi:\n  url: http://127.0.0.1:1\n  maxAttempts: 2\n".write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            let outcome = try await Executables.run(
                "customer-export",
                ["backfill", "--pipeline", file.path, "--from", "2024-01-01", "--to", "2024-02-01", "--database-url", harness.databaseURL,
                 "--target-schema", harness.targetSchema, "--state-schema", harness.stateSchema],
                environment: harness.cliEnvironment)
            #expect(outcome.status == 1, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("http://127.0.0.1:1"), "\(outcome.stderr)")
            #expect(try await harness.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = '\(harness.stateSchema)'") == 0)
        }
    }
}
