import CustomerExport
import Foundation
import LibPQ
import Testing
import TestSupport

/// An alert on the report or the metrics file must also see the runs that never started: every
/// exit after the arguments parse leaves both, with the exit code, the status and the sentence.
@Suite("Every exit leaves its report and metrics")
struct ExitReportTests {
    /// A run's output files, with a metrics file from an earlier successful night already there.
    struct Files {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("exit-\(UUID().uuidString)")
        var report: URL { directory.appendingPathComponent("last-run.json") }
        var metrics: URL { directory.appendingPathComponent("customer_export.prom") }
        static let lastNight = 1_790_000_000

        init(pipeline: String) throws {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let previous = "customer_export_last_success_timestamp_seconds{pipeline=\"\(pipeline)\"} \(Self.lastNight)\n"
            try previous.write(to: metrics, atomically: true, encoding: .utf8)
        }

        var flags: [String] { ["--report", report.path, "--metrics-file", metrics.path] }

        func check(exitCode: Int32, status: String, pipeline: String, sentence: String, secret: String) throws {
            let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: self.report))
            #expect(report.exitCode == exitCode && report.status == status, "\(report)")
            #expect(report.pipeline == pipeline)
            #expect(report.message?.contains(sentence) == true, "\(report.message ?? "no message")")
            let metrics = try String(contentsOf: self.metrics, encoding: .utf8)
            #expect(metrics.contains("customer_export_run_exit_code{pipeline=\"\(pipeline)\""), "\(metrics)")
            #expect(metrics.contains("} \(exitCode).0\n") || metrics.contains("} \(exitCode)\n"), "\(metrics)")
            #expect(metrics.contains("customer_export_last_success_timestamp_seconds{pipeline=\"\(pipeline)\"} \(Self.lastNight)"), "\(metrics)")
            let written = try String(contentsOf: self.report, encoding: .utf8) + metrics
            #expect(!written.contains(secret), "a secret leaked into the report or metrics")
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    @Test("a configuration error (no API token) exits 2 with its report and metrics, the last success kept")
    func configuration() async throws {
        try await ExportHarness.with { harness in
            let files = try Files(pipeline: "backfill")
            defer { files.remove() }
            let outcome = try await Executables.run(
                "customer-export", ["backfill", "--from", "2024-01-01", "--to", "2024-02-01"] + harness.cliFlags + files.flags,
                environment: ["CUSTOMERS_API_TOKEN": ""])
            #expect(outcome.status == 2, "\(outcome.stderr)")
            try files.check(exitCode: 2, status: "failed", pipeline: "backfill", sentence: "no API token", secret: "export-secret")
        }
    }

    @Test("a pipeline file that does not parse exits 2 and reports under the file's name")
    func unreadablePipeline() async throws {
        let files = try Files(pipeline: "nightly")
        defer { files.remove() }
        let file = files.directory.appendingPathComponent("nightly.yml")
        try "pipeline: nightly\nmode: [not a mode\n".write(to: file, atomically: true, encoding: .utf8)
        let outcome = try await Executables.run("customer-export", ["run", file.path] + files.flags, environment: [:])
        #expect(outcome.status == 2, "\(outcome.stderr)")
        try files.check(exitCode: 2, status: "failed", pipeline: "nightly", sentence: "not valid YAML", secret: "export-secret")
    }

    @Test("a bad flag beside a pipeline file exits 2 and reports the file's pipeline and mode")
    func badFlagWithPipeline() async throws {
        let files = try Files(pipeline: "reporting")
        defer { files.remove() }
        let file = files.directory.appendingPathComponent("reporting.yml")
        try "pipeline: reporting\nmode: backfill\napi: { url: http://127.0.0.1:1 }\nbackfill: { from: 2024-01-01, to: 2024-02-01 }\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let outcome = try await Executables.run("customer-export", ["run", file.path, "--concurrency", "0"] + files.flags, environment: ["CUSTOMERS_API_TOKEN": "t"])
        #expect(outcome.status == 2, "\(outcome.stderr)")
        try files.check(exitCode: 2, status: "failed", pipeline: "reporting", sentence: "--concurrency must be at least 1", secret: "export-secret")
        let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: files.report))
        #expect(report.mode == "backfill", "the file's mode, not the command's guess")
    }

    @Test("a token the API refuses exits 3 with its report and metrics, the token never in them")
    func rejectedToken() async throws {
        try await ExportHarness.with { harness in
            let files = try Files(pipeline: "backfill")
            defer { files.remove() }
            let outcome = try await Executables.run(
                "customer-export", ["backfill", "--from", "2024-01-01", "--to", "2024-02-01"] + harness.cliFlags + files.flags,
                environment: ["CUSTOMERS_API_TOKEN": "wrong-token-4711"])
            #expect(outcome.status == 3, "\(outcome.stderr)")
            try files.check(exitCode: 3, status: "failed", pipeline: "backfill", sentence: "403", secret: "wrong-token-4711")
        }
    }

    @Test("an unreachable database exits 4 with its report and metrics, the password masked")
    func unreachableDatabase() async throws {
        try await ExportHarness.with { harness in
            let files = try Files(pipeline: "backfill")
            defer { files.remove() }
            let outcome = try await Executables.run(
                "customer-export",
                ["backfill", "--from", "2024-01-01", "--to", "2024-02-01", "--api-url", harness.simulator.baseURL,
                 "--database-url", "postgresql://export:hunter2-secret@127.0.0.1:1/export"] + files.flags,
                environment: harness.cliEnvironment)
            #expect(outcome.status == 4, "\(outcome.stderr)")
            try files.check(exitCode: 4, status: "failed", pipeline: "backfill", sentence: "cannot connect to PostgreSQL", secret: "hunter2-secret")
        }
    }

    @Test("a held pipeline lock exits 6 with its report and metrics")
    func lockHeld() async throws {
        try await ExportHarness.with { harness in
            let files = try Files(pipeline: "backfill")
            defer { files.remove() }
            let key = "customer-export:\(harness.stateSchema):\(harness.target):backfill"
            let holder = try TestDatabase.connect()
            defer { holder.close() }
            try holder.execute("SELECT pg_advisory_lock(hashtext($1))", parameters: [key])
            let outcome = try await Executables.run(
                "customer-export", ["backfill", "--from", "2024-01-01", "--to", "2024-02-01"] + harness.cliFlags + files.flags,
                environment: harness.cliEnvironment)
            #expect(outcome.status == 6, "\(outcome.stderr)")
            try files.check(exitCode: 6, status: "locked", pipeline: "backfill", sentence: "is still active", secret: harness.token)
        }
    }

    @Test("SIGTERM mid-run exits 5 with its report and metrics")
    func terminated() async throws {
        try await ExportHarness.with(configure: { $0.customers = 6000; $0.latencyMilliseconds = 15 }) { harness in
            let files = try Files(pipeline: "backfill")
            defer { files.remove() }
            let child = try Executables.start(
                "customer-export", ["backfill", "--from", "2023-01-01", "--to", "2026-01-01", "--concurrency", "2"] + harness.cliFlags + ExportHarness.dayWindows + files.flags,
                environment: harness.cliEnvironment)
            _ = try await harness.waitForDoneWindows(atLeast: 5, while: child)
            child.signal(SIGTERM)
            let outcome = await child.finish()
            #expect(outcome.status == 5, "\(outcome.stderr)")
            try files.check(exitCode: 5, status: "interrupted", pipeline: "backfill", sentence: "SIGTERM", secret: harness.token)
        }
    }
}
