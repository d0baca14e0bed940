import Foundation
import Testing
import TestSupport
import Yams
@testable import CustomerExport

@Suite("Operations: progress, metrics, scheduling examples")
struct OperationsTests {
    static var packageRoot: URL { ScriptRunner.packageRoot }

    @Test("the progress line shows windows, rows, rate, retries and an ETA")
    func progress() throws {
        let line = ProgressLine()
        line.planned(windows: 10)
        let start = Timestamp.now()
        line.committed(rows: 500)
        line.committed(rows: 500)
        let text = line.render(now: start.adding(.seconds(10)))
        #expect(text.hasPrefix("windows 2/10 · rows 1000 · "))
        #expect(text.contains("retries 0"))
        #expect(text.hasSuffix("ETA 0:40"))
    }

    @Test("the metrics file has the run's counters in Prometheus text format")
    func metrics() throws {
        var report = RunReport(pipeline: "nightly", mode: .incremental, field: .updatedAt, from: .now(), to: .now())
        report.exitCode = 1
        report.rows.inserted = 7
        report.requests.byStatus = ["200": 10, "503": 2]
        report.requests.retriesByStatus = ["503": 2]
        let text = MetricsFile.render(report, finishedAt: Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000))
        #expect(text.contains(#"customer_export_run_exit_code{pipeline="nightly",mode="incremental"} 1"#), "\(text)")
        #expect(text.contains(#"customer_export_rows_total{pipeline="nightly",outcome="inserted"} 7"#))
        #expect(text.contains(#"customer_export_retries_total{pipeline="nightly",status="503"} 2"#))
        #expect(text.contains("customer_export_run_finished_timestamp_seconds{pipeline=\"nightly\"} 1700000000"))
    }

    @Test("the Kubernetes CronJob forbids overlap and takes both secrets from a Secret")
    func cronJob() throws {
        let text = try String(contentsOf: Self.packageRoot.appendingPathComponent("deploy/kubernetes/nightly-cronjob.yaml"), encoding: .utf8)
        let object = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect(object["kind"] as? String == "CronJob")
        #expect(object["apiVersion"] as? String == "batch/v1")
        let spec = try #require(object["spec"] as? [String: Any])
        #expect(spec["concurrencyPolicy"] as? String == "Forbid")
        #expect(spec["schedule"] as? String == "0 2 * * *")
        let pod = try #require(((spec["jobTemplate"] as? [String: Any])?["spec"] as? [String: Any])?["template"] as? [String: Any])
        let container = try #require(((pod["spec"] as? [String: Any])?["containers"] as? [[String: Any]])?.first)
        #expect((container["args"] as? [String])?.first == "run")
        let env = try #require(container["env"] as? [[String: Any]])
        for name in ["CUSTOMERS_API_TOKEN", "DATABASE_URL"] {
            let entry = try #require(env.first { $0["name"] as? String == name })
            #expect(((entry["valueFrom"] as? [String: Any])?["secretKeyRef"] as? [String: Any])?["name"] as? String == "customer-export")
        }
    }

    @Test("systemd-analyze verifies each service and timer pair: the nightly run and the weekly verify", arguments: ["nightly", "verify"])
    func systemd(_ unit: String) async throws {
        let analyzer = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        try #require(FileManager.default.isExecutableFile(atPath: analyzer.path), "systemd-analyze is not installed")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("units-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = Self.packageRoot.appendingPathComponent("deploy/systemd")
        let name = "customer-export-\(unit)"
        // The unit names /usr/local/bin/customer-export; verify it against the binary just built.
        let service = try String(contentsOf: source.appendingPathComponent("\(name).service"), encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/customer-export", with: Executables.url("customer-export").path)
        try service.write(to: directory.appendingPathComponent("\(name).service"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(at: source.appendingPathComponent("\(name).timer"), to: directory.appendingPathComponent("\(name).timer"))
        let outcome = try await ScriptRunner.run(analyzer, [
            "verify", directory.appendingPathComponent("\(name).service").path, directory.appendingPathComponent("\(name).timer").path,
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }
}
