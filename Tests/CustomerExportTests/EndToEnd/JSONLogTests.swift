import Foundation
import Testing
import TestSupport

/// With `--log-format json`, every line on stderr is a JSON object: the logs, the summary that
/// ends a run, an error sentence. A run tells what it is doing: its start with its settings,
/// windows that fail and why, requests and retries in aggregate, its end.
@Suite("JSON logs")
struct JSONLogTests {
    static func lines(_ stderr: String) throws -> [[String: String]] {
        try stderr.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(object as? [String: String], "not a JSON object of strings: \(line)")
        }
    }

    @Test("a run that loses its API: start with settings, failed windows with their reason, requests in aggregate, the end as JSON; nothing else on stderr")
    func failingRun() async throws {
        try await ExportHarness.with(configure: { $0.customers = 3000; $0.latencyMilliseconds = 20 }) { harness in
            let child = try Executables.start(
                "customer-export",
                ["backfill", "--from", "2023-01-01", "--to", "2026-01-01", "--retry-for", "3s", "--log-format", "json", "--log-level", "info"] + harness.cliFlags + ExportHarness.dayWindows,
                environment: harness.cliEnvironment)
            // The outage begins once the run is under way (on a loaded machine, planning alone
            // has taken longer than 30 s).
            _ = try await harness.waitForDoneWindows(atLeast: 20, while: child)
            _ = try await harness.admin("/__admin/outage?seconds=3600&fault=503", method: "POST")
            let outcome = await child.finish()
            #expect(outcome.status == 1, "\(outcome.stderr)")
            let lines = try Self.lines(outcome.stderr)
            let started = try #require(lines.first { $0["message"] == "run started" })
            #expect(started["api"] == harness.simulator.baseURL + "/v1/customers" && started["concurrency"] == "8" && started["filters"] == "none")
            #expect(started["database"]?.contains("***") == true && started["database"]?.contains("export-secret") == false)
            let failed = try #require(lines.first { $0["message"]?.hasPrefix("window failed") == true })
            #expect(failed["window"] != nil && failed["reason"]?.contains("503") == true, "\(failed)")
            let requests = try #require(lines.first { $0["message"] == "requests" })
            #expect(requests["retries"]?.contains("503×") == true, "\(requests)")
            let finished = try #require(lines.last)
            #expect(finished["message"] == "run finished" && finished["exit_code"] == "1" && finished["status"] == "failed", "\(finished)")
            #expect(finished["windows_failed"].flatMap { Int($0) } ?? 0 > 0)
            #expect(!outcome.stderr.contains(harness.token))
        }
    }

    @Test("an early exit's sentence is a JSON line too")
    func earlyExit() async throws {
        let outcome = try await Executables.run(
            "customer-export", ["backfill", "--from", "2024-01-01", "--to", "2024-02-01", "--api-url", "http://127.0.0.1:1", "--log-format", "json"],
            environment: ["CUSTOMERS_API_TOKEN": ""])
        #expect(outcome.status == 2)
        let lines = try Self.lines(outcome.stderr)
        #expect(lines.count == 1 && lines[0]["level"] == "error" && lines[0]["message"]?.contains("no API token") == true, "\(outcome.stderr)")
    }
}
