import CustomerExport
import CustomersSimulator
import Foundation
import Testing
import TestSupport

extension ProductionScenarios {
    /// A source that misbehaves the way real APIs do, and an environment that does: the night
    /// still ends, with every good record loaded and no secret in any output (#19).
    @Suite("Hostile sources and environments")
    struct HostileSourceTests {
        func backfill(_ harness: ExportHarness, _ extra: [String] = [], environment: [String: String]? = nil) async throws -> Executables.Outcome {
            try await Executables.run(
                "customer-export", ["backfill", "--from", "2023-01-01", "--to", "2026-01-01"] + harness.cliFlags + extra,
                environment: environment ?? harness.cliEnvironment)
        }

        /// A pipeline file with these extra `api:` lines, for settings that have no flag.
        func pipelineFile(_ api: [String]) throws -> URL {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString).yaml")
            try (["pipeline: backfill", "api:"] + api.map { "  " + $0 }).joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            return file
        }

        func stats(_ harness: ExportHarness) async throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(try await harness.admin("/__admin/stats"))) as? [String: Any])
        }

        func requests(_ harness: ExportHarness) async throws -> Int {
            ((try await stats(harness))["requests"] as? [String: Int] ?? [:]).values.reduce(0, +)
        }

        @Test("byte-level poison (lone surrogate, invalid UTF-8, 600-deep nesting, 1e999999) is quarantined record by record; exit 0, every other record loaded")
        func bytePoison() async throws {
            try await ExportHarness.with(configure: { $0.customers = 1500; $0.hostile = 8 }) { harness in
                let outcome = try await backfill(harness)
                #expect(outcome.status == 0, "\(outcome.stderr)")
                let truth = try await harness.truth()
                let hostile = truth.poison.filter { ["lone-surrogate", "invalid-utf8", "deep-nesting", "huge-number"].contains($0.kind) }
                #expect(hostile.count == 8)
                let comparison = try await harness.compareWithTruth(truth)
                #expect(comparison.missing == 0 && comparison.extra == 0 && comparison.wrongVersion == 0 && comparison.wrongRaw == 0, "\(comparison)")
                let rows = try await harness.query("SELECT source_id, reason, payload FROM \(harness.stateSchema).quarantine ORDER BY source_id")
                #expect(rows.count == 8, "\(rows.map { $0[1] ?? "" })")
                #expect(Set(rows.compactMap { $0[0] }) == Set(hostile.map { String($0.id) }), "each entry carries its record's id")
                for (kind, reason) in [("lone-surrogate", "surrogate"), ("invalid-utf8", "UTF-8"), ("deep-nesting", "nesting"), ("huge-number", "numeric")] {
                    let ids = Set(hostile.filter { $0.kind == kind }.map { String($0.id) })
                    let entries = rows.filter { ids.contains($0[0] ?? "") }
                    #expect(entries.count == 2 && entries.allSatisfy { $0[1]?.contains(reason) == true && $0[2]?.contains("poison-\(kind)") == true }, "\(kind): \(entries.map { $0[1] ?? "" })")
                }
                let windows = try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).windows WHERE status <> 'done' AND status <> 'split'")
                #expect(windows == 0)
            }
        }

        @Test("two 50 MB records at default settings: each quarantined with its id and position, every other record loaded, peak memory under 200 MB")
        func hugeRecords() async throws {
            try await ExportHarness.with(configure: { $0.customers = 2000; $0.hugeRecords = 2 }) { harness in
                let reportFile = FileManager.default.temporaryDirectory.appendingPathComponent("huge-\(UUID().uuidString).json")
                defer { try? FileManager.default.removeItem(at: reportFile) }
                let (outcome, peak) = try await Executables.runMeasuringPeakMemory(
                    "customer-export", ["backfill", "--from", "2023-01-01", "--to", "2026-01-01", "--report", reportFile.path] + harness.cliFlags,
                    environment: harness.cliEnvironment)
                #expect(outcome.status == 0, "\(outcome.stderr.suffix(3000))")
                let rows = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: reportFile)).rows
                #expect(rows.fetched == rows.inserted + rows.updated + rows.unchanged + rows.quarantined + rows.duplicates + rows.stale + rows.outsideRange + rows.notCommitted,
                        "the report's arithmetic adds up: \(rows)")
                #expect(rows.quarantined == 2, "\(rows)")
                let peakKB = try #require(peak, "no peak from /usr/bin/time: \(outcome.stderr.suffix(500))")
                #expect(peakKB < 200 * 1024, "peak RSS \(peakKB / 1024) MB")
                print("two 50 MB records: peak RSS \(peakKB / 1024) MB, \(try await requests(harness)) requests")
                let comparison = try await harness.compareWithTruth(try await harness.truth())
                #expect(comparison.missing == 0 && comparison.extra == 0 && comparison.wrongVersion == 0, "\(comparison)")
                let reasons = try await harness.query("SELECT reason, payload, source_id FROM \(harness.stateSchema).quarantine")
                #expect(reasons.count == 2 && reasons.allSatisfy { $0[0]?.contains("over api.maxResponseBytes (20971520 bytes)") == true && $0[1]?.contains("oversizedRecord") == true }, "\(reasons)")
                let huge = try await harness.truth().poison.filter { $0.kind == "huge-record" }.map { String($0.id) }
                #expect(Set(reasons.compactMap { $0[2] }) == Set(huge) && huge.count == 2, "each entry names its record, read from the leading bytes: \(reasons.map { $0[2] ?? "nil" }) vs \(huge)")
                #expect(reasons.allSatisfy { row in row[0]?.contains("record \(row[2] ?? "?") over") == true }, "\(reasons.map { $0[0] ?? "" })")
            }
        }

        @Test("a total that ignores the filters loads exactly what the API serves, in a few times an honest run's requests")
        func filterBlindTotal() async throws {
            var honest = 0
            try await ExportHarness.with(configure: { $0.customers = 6000 }) { harness in
                #expect(try await backfill(harness).status == 0)
                honest = try await requests(harness)
            }
            try await ExportHarness.with(configure: { $0.customers = 6000; $0.totalIgnoresFilters = true }) { harness in
                let outcome = try await backfill(harness)
                #expect(outcome.status == 0, "\(outcome.stderr)")
                let comparison = try await harness.compareWithTruth(try await harness.truth())
                #expect(comparison.missing == 0 && comparison.extra == 0, "\(comparison)")
                let blind = try await requests(harness)
                #expect(blind <= 4 * honest, "\(blind) requests against \(honest) for an honest total")
                print("filter-blind total: \(blind) requests, honest: \(honest)")
            }
        }

        @Test("an API that ignores offset fails the windows it would repeat, with a sentence saying so, instead of paging forever")
        func ignoredOffset() async throws {
            try await ExportHarness.with(configure: { $0.customers = 3000; $0.envelope = .array; $0.ignoresOffset = true }) { harness in
                let file = try pipelineFile(["envelope: array", "pageSize: 5"])
                defer { try? FileManager.default.removeItem(at: file) }
                let outcome = try await backfill(harness, ["--pipeline", file.path])
                #expect(outcome.status == 1, "\(outcome.stderr)")
                #expect(outcome.stderr.contains("ignores offset"), "\(outcome.stderr.suffix(2000))")
                let failed = try await harness.query("SELECT last_error FROM \(harness.stateSchema).windows WHERE status = 'failed'")
                #expect(!failed.isEmpty && failed.allSatisfy { $0[0]?.contains("ignores offset") == true }, "\(failed.prefix(3))")
            }
        }

        @Test("a token file with a second line is exit 2 naming the file; the secret is in no output")
        func tokenFileWithTwoLines() async throws {
            try await ExportHarness.with { harness in
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: directory) }
                let tokenFile = directory.appendingPathComponent("token").path
                try "\(harness.token)\nDATABASE_PASSWORD=s3cret-line-two\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
                let report = directory.appendingPathComponent("report.json").path
                let metrics = directory.appendingPathComponent("metrics.prom").path
                let outcome = try await backfill(harness, ["--token-file", tokenFile, "--report", report, "--metrics-file", metrics], environment: [:])
                #expect(outcome.status == 2, "\(outcome.stderr)")
                #expect(outcome.stderr.contains("the token file \(tokenFile) holds a line break"), "\(outcome.stderr)")
                let written = outcome.stdout + outcome.stderr + (try String(contentsOfFile: report, encoding: .utf8)) + (try String(contentsOfFile: metrics, encoding: .utf8))
                #expect(!written.contains(harness.token) && !written.contains("s3cret-line-two"), "a secret leaked")
                #expect(try await requests(harness) == 0, "no request was sent")
            }
        }

        @Test("a redirect to another origin is exit 3 naming both origins; the other origin receives no request and no credential")
        func crossOriginRedirect() async throws {
            let elsewhere = try await CustomersSimulator.start(SimulatorOptions(customers: 10, token: "other"))
            let elsewhereOrigin = "http://127.0.0.1:\(elsewhere.port)"
            do {
                try await ExportHarness.with(configure: { $0.redirectTo = elsewhereOrigin }) { harness in
                    let file = try pipelineFile(["authHeader: X-Api-Key", "authScheme: \"\""])
                    defer { try? FileManager.default.removeItem(at: file) }
                    let outcome = try await backfill(harness, ["--pipeline", file.path])
                    #expect(outcome.status == 3, "\(outcome.stderr)")
                    #expect(outcome.stderr.contains("127.0.0.1:\(elsewhere.port)"), "\(outcome.stderr)")
                    #expect(outcome.stderr.contains("127.0.0.1:\(harness.simulator.port)"), "\(outcome.stderr)")
                    #expect(!outcome.stderr.contains(harness.token))
                }
                let url = URL(string: "\(elsewhereOrigin)/__admin/stats")!
                let data = try Data(contentsOf: url)
                let stats = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                #expect(stats["requestsWithCredentials"] as? Int == 0, "\(stats)")
                #expect((stats["requests"] as? [String: Int] ?? [:]).values.reduce(0, +) == 0, "\(stats)")
            } catch {
                await elsewhere.stop()
                throw error
            }
            await elsewhere.stop()
        }

        @Test("a DSN holding ': ' from a variable does not break the pipeline file, and its password is shown nowhere")
        func dsnThatWouldBreakTheYAML() async throws {
            try await ExportHarness.with { harness in
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString).yaml")
                try """
                    pipeline: hostile
                    api:
                      url: \(harness.simulator.baseURL)
                    database:
                      url: ${DSN}
                      targetSchema: \(harness.targetSchema)
                      stateSchema: \(harness.stateSchema)
                    """.write(to: file, atomically: true, encoding: .utf8)
                defer { try? FileManager.default.removeItem(at: file) }
                let dsn = harness.databaseURL.replacingOccurrences(of: "export-secret", with: "wrong: pass#word")
                let outcome = try await Executables.run(
                    "customer-export", ["backfill", "--pipeline", file.path, "--from", "2024-01-01", "--to", "2024-02-01"],
                    environment: harness.cliEnvironment.merging(["DSN": dsn]) { $1 })
                #expect(outcome.status == 4, "\(outcome.stderr)")
                #expect(outcome.stderr.contains("PostgreSQL"), "\(outcome.stderr)")
                #expect(!outcome.stderr.contains("wrong: pass") && !outcome.stderr.contains("pass#word"), "\(outcome.stderr)")
            }
        }

        @Test("a target table of another shape is exit 4 listing every difference with its fix, before any request")
        func wrongShapedTarget() async throws {
            try await ExportHarness.with { harness in
                _ = try await harness.query("CREATE SCHEMA \(harness.targetSchema); CREATE TABLE \(harness.target) (id int, name varchar(10))")
                let outcome = try await backfill(harness)
                #expect(outcome.status == 4, "\(outcome.stderr)")
                for difference in [
                    "column id is integer, the export writes bigint", "column name is character varying(10), the export writes text",
                    "column created_at is missing", "column updated_at is missing", "column raw is missing", "no unique key on id",
                ] {
                    #expect(outcome.stderr.contains(difference), "\(difference): \(outcome.stderr)")
                }
                #expect(try await requests(harness) == 0, "no request was sent")
            }
        }
    }
}

extension ProductionScenarios.HostileSourceTests {
    @Test("stored run parameters pointing a worker's token elsewhere are refused (exit 2 naming them); the planner's own are accepted")
    func tamperedRunParameters() async throws {
        let elsewhere = try await CustomersSimulator.start(SimulatorOptions(customers: 10, token: "other"))
        do {
            try await ExportHarness.with(configure: { $0.customers = 300 }) { harness in
                let planned = try await Executables.run(
                    "customer-export", ["backfill", "--from", "2023-01-01", "--to", "2026-01-01", "--plan-only"] + harness.cliFlags,
                    environment: harness.cliEnvironment)
                #expect(planned.status == 0, "\(planned.stderr)")
                let runId = try #require(planned.stdout.split(separator: "\n").last.map(String.init))
                let worker = ["worker", "--run", runId, "--database-url", harness.databaseURL, "--state-schema", harness.stateSchema]
                // Someone who can write the state tables sends the token to their own host.
                _ = try await harness.query("""
                    UPDATE \(harness.stateSchema).runs SET params = jsonb_set(params, '{apiBaseURL}', '"\(elsewhere.baseURL)"') WHERE id = \(runId)
                    """)
                let refused = try await Executables.run("customer-export", worker, environment: harness.cliEnvironment)
                #expect(refused.status == 2, "\(refused.stderr)")
                #expect(refused.stderr.contains("api.url (\(elsewhere.baseURL))") && refused.stderr.contains("not signed"), "\(refused.stderr)")
                #expect(!refused.stderr.contains(harness.token))
                // Or reads another secret as the token: the key changes, the signature fails.
                _ = try await harness.query("""
                    UPDATE \(harness.stateSchema).runs SET params = jsonb_set(jsonb_set(params, '{apiBaseURL}', '"\(harness.simulator.baseURL)"'), '{tokenEnv}', '"OTHER_SECRET"') WHERE id = \(runId)
                    """)
                let other = try await Executables.run(
                    "customer-export", worker, environment: harness.cliEnvironment.merging(["OTHER_SECRET": "database-password"]) { $1 })
                #expect(other.status == 2 && other.stderr.contains("api.tokenEnv (OTHER_SECRET)"), "\(other.stderr)")
                #expect(!other.stderr.contains("database-password"))
                // Neither secret reached the state tables either.
                let stored = try await harness.query("""
                    SELECT coalesce(string_agg(coalesce(r.last_error, '') || coalesce(r.report::text, '') || coalesce(r.params::text, ''), ''), '')
                      || coalesce((SELECT string_agg(coalesce(last_error, ''), '') FROM \(harness.stateSchema).windows), '')
                    FROM \(harness.stateSchema).runs r
                    """).first?.first ?? nil
                #expect(!(stored ?? "").contains(harness.token) && !(stored ?? "").contains("database-password"), "a secret reached the state tables")
                // The worker's own flags replace what the state says: then it works.
                let own = try await Executables.run(
                    "customer-export", worker + ["--api-url", harness.simulator.baseURL, "--token-file", try tokenFile(harness.token)],
                    environment: [:])
                #expect(own.status == 0, "\(own.stderr.suffix(2000))")
                let comparison = try await harness.compareWithTruth(try await harness.truth())
                #expect(comparison.missing == 0 && comparison.extra == 0, "\(comparison)")
            }
            let requests = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(string: "\(elsewhere.baseURL)/__admin/stats")!)) as? [String: Any]
            #expect((requests?["requests"] as? [String: Int] ?? [:]).values.reduce(0, +) == 0, "\(String(describing: requests))")
        } catch {
            await elsewhere.stop()
            throw error
        }
        await elsewhere.stop()
    }

    func tokenFile(_ token: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)").path
        try token.write(toFile: path, atomically: true, encoding: .utf8)
        _ = chmod(path, 0o600)
        return path
    }
}
