import Foundation
import Testing
import TestSupport
@testable import CustomerExport

/// `customer-export verify` as a user runs it: its exit codes, its output, report and metrics
/// files, `--dry-run`'s one request, and one sentence for what it cannot check.
@Suite("The verify command", .serialized)
struct VerifyCommandTests {
    static let range = ["--from", "2023-01-01", "--to", "2026-01-01"]

    @Test("a table that differs exits 7; --json, the report and the metrics file say what differs")
    func differentExitsSeven() async throws {
        try await ExportHarness.with { harness in
            #expect(try await Executables.run("customer-export", ["backfill"] + Self.range + harness.cliFlags, environment: harness.cliEnvironment).status == 0)
            _ = try await harness.query("DELETE FROM \(harness.target) WHERE id IN (SELECT id FROM \(harness.target) ORDER BY id LIMIT 3)")
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("verify-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let report = directory.appendingPathComponent("verify.json").path
            let metrics = directory.appendingPathComponent("verify.prom").path
            let outcome = try await Executables.run(
                "customer-export", ["verify", "--json", "--seed", "3", "--report", report, "--metrics-file", metrics] + Self.range + harness.cliFlags,
                environment: harness.cliEnvironment)
            #expect(outcome.status == 7, "\(outcome.stderr)")
            let printed = try JSONDecoder().decode(VerifyReport.self, from: Data(outcome.stdout.utf8))
            #expect(printed.status == "different" && printed.totals.differences.missing == 3 && printed.seed == 3)
            let written = try JSONDecoder().decode(VerifyReport.self, from: Data(contentsOf: URL(fileURLWithPath: report)))
            #expect(written == printed)
            let prometheus = try String(contentsOfFile: metrics, encoding: .utf8)
            #expect(prometheus.contains(#"customer_export_verify_missing_rows{pipeline="backfill"} 3"#), "\(prometheus)")
            #expect(prometheus.contains(#"customer_export_verify_exit_code{pipeline="backfill"} 7"#), "\(prometheus)")

            let table = try await Executables.run("customer-export", ["verify"] + Self.range + harness.cliFlags, environment: harness.cliEnvironment)
            #expect(table.status == 7)
            #expect(table.stdout.contains("3 missing, 0 extra, 0 stale"), "\(table.stdout)")
            #expect(table.stdout.contains("DIFFERENT (exit 7)"), "\(table.stdout)")
        }
    }

    @Test("--dry-run prices the verify with one request and reads nothing else")
    func dryRun() async throws {
        try await ExportHarness.with { harness in
            #expect(try await Executables.run("customer-export", ["backfill"] + Self.range + harness.cliFlags, environment: harness.cliEnvironment).status == 0)
            let before = try await Self.requests(harness)
            let outcome = try await Executables.run(
                "customer-export", ["verify", "--dry-run", "--window-rows", "300"] + Self.range + harness.cliFlags, environment: harness.cliEnvironment)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stdout.contains("verify plan for backfill"), "\(outcome.stdout)")
            #expect(outcome.stdout.contains("counting requests (the range once, each window once)"), "\(outcome.stdout)")
            #expect(try await Self.requests(harness) == before + 1)
        }
    }

    @Test("what verify cannot check, and a table that does not exist, exit 2 with one sentence and leave a report", arguments: [
        (["--owner-id", "5"], "cannot check the filters ownerId and search"),
        (["--repair", "--type", "business"], "--repair cannot run with filters"),
        (["--sample", "150%"], "--sample \"150%\" is not a share of the windows"),
        (["--target-table", "never_loaded"], "does not exist, so there is nothing to verify"),
    ])
    func refused(_ arguments: [String], _ expected: String) async throws {
        try await ExportHarness.with { harness in
            let report = FileManager.default.temporaryDirectory.appendingPathComponent("verify-\(UUID().uuidString).json").path
            defer { try? FileManager.default.removeItem(atPath: report) }
            let outcome = try await Executables.run(
                "customer-export", ["verify", "--report", report] + arguments + Self.range + harness.cliFlags, environment: harness.cliEnvironment)
            #expect(outcome.status == 2, "\(outcome.stderr)")
            #expect(outcome.stderr.contains(expected), "\(outcome.stderr)")
            #expect(outcome.stderr.split(separator: "\n").count == 1, "\(outcome.stderr)")
            let written = try JSONDecoder().decode(VerifyReport.self, from: Data(contentsOf: URL(fileURLWithPath: report)))
            #expect(written.status == "failed" && written.exitCode == 2 && written.message?.contains(expected) == true)
        }
    }

    @Test("without --from verify takes the pipeline file's start, and without a file it asks for --from")
    func rangeFromThePipelineFile() async throws {
        try await ExportHarness.with { harness in
            #expect(try await Executables.run("customer-export", ["backfill"] + Self.range + harness.cliFlags, environment: harness.cliEnvironment).status == 0)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("nightly-\(UUID().uuidString).yml")
            try "pipeline: nightly\nmode: incremental\nincremental: { start: 2023-01-01 }\n".write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            let whole = try await Executables.run("customer-export", ["verify", "--json", "--pipeline", file.path] + harness.cliFlags, environment: harness.cliEnvironment)
            #expect(whole.status == 0, "\(whole.stderr)")
            let report = try JSONDecoder().decode(VerifyReport.self, from: Data(whole.stdout.utf8))
            #expect(report.pipeline == "nightly" && report.rangeFrom == "2023-01-01T00:00:00Z" && report.totals.tableRows == 2000, "\(report.rendered)")
            let bare = try await Executables.run("customer-export", ["verify"] + harness.cliFlags, environment: harness.cliEnvironment)
            #expect(bare.status == 2 && bare.stderr.contains("verify needs --from"), "\(bare.stderr)")
        }
    }

    /// `/v1/customers` requests the simulator answered so far.
    static func requests(_ harness: ExportHarness) async throws -> Int {
        let stats = try JSONSerialization.jsonObject(with: Data(try await harness.admin("/__admin/stats"))) as? [String: Any]
        return (stats?["requests"] as? [String: Int])?.values.reduce(0, +) ?? -1
    }
}
