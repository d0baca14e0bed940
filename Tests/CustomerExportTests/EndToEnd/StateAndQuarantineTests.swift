import Foundation
import Testing
import TestSupport

extension ProductionScenarios {
    /// The state a user can see and fix: `status` per pipeline (text and JSON), `state` to move,
    /// reset or forget, refused while a run is active; `quarantine` to list, show and retry.
    @Suite("State and quarantine commands")
    struct StateAndQuarantineTests {
        static func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

        func cli(_ harness: ExportHarness, _ arguments: [String]) async throws -> Executables.Outcome {
            try await Executables.run(
                "customer-export", arguments + ["--database-url", harness.databaseURL, "--state-schema", harness.stateSchema],
                environment: harness.cliEnvironment)
        }

        @Test("quarantine list, show and retry: records the source fixed are merged, the rest stay with their new reason")
        func quarantineRetry() async throws {
            try await ExportHarness.with(configure: { $0.customers = 600; $0.poison = 14 }) { harness in
                let backfill = try await Executables.run(
                    "customer-export", ["backfill", "--from", "2023-01-01", "--to", "2026-01-01"] + harness.cliFlags + ExportHarness.dayWindows, environment: harness.cliEnvironment)
                #expect(backfill.status == 0, "\(backfill.stderr)")
                let all = try #require(try Self.json(try await cli(harness, ["quarantine", "list", "--json"]).stdout) as? [[String: Any]])
                #expect(all.count == 10)
                let dates = try #require(try Self.json(try await cli(harness, ["quarantine", "list", "--json", "--reason", "unparseable"]).stdout) as? [[String: Any]])
                #expect(dates.count == 2 && dates.allSatisfy { ($0["reason"] as? String)?.hasPrefix("unparseable") == true })
                let text = try await cli(harness, ["quarantine", "list", "--pipeline", "backfill"])
                #expect(text.stdout.contains("missing id") && text.stdout.contains("is not an integer"), "\(text.stdout)")

                let first = try #require(dates.first?["id"] as? Int)
                let shown = try await cli(harness, ["quarantine", "show", String(first)])
                let payload = try #require(try Self.json(shown.stdout) as? [String: Any])
                #expect((payload["name"] as? String)?.hasPrefix("poison-bad-date-") == true, "\(shown.stdout.prefix(300))")

                // The source fixes its broken dates only: those merge, the others are quarantined again.
                _ = try await harness.admin("/__admin/heal?kind=bad-date", method: "POST")
                let partial = try await cli(harness, ["quarantine", "retry", "--json"] + ["--api-url", harness.simulator.baseURL])
                #expect(partial.status == 0, "\(partial.stderr)")
                let report = try #require(try Self.json(partial.stdout) as? [String: Any])
                #expect(report["merged"] as? Int == 2 && report["inserted"] as? Int == 2, "\(partial.stdout)")
                #expect(report["notFetchable"] as? Int == 2 && report["stillQuarantined"] as? Int == 6, "\(partial.stdout)")
                #expect(try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).quarantine") == 8)

                // Then everything: all that can be asked for by id merges; the two without an id stay.
                _ = try await harness.admin("/__admin/heal", method: "POST")
                let complete = try await cli(harness, ["quarantine", "retry"])
                #expect(complete.status == 0 && complete.stdout.contains("6 now valid and merged"), "\(complete.stdout)\(complete.stderr)")
                let left = try await harness.query("SELECT reason FROM \(harness.stateSchema).quarantine")
                #expect(left.count == 2 && left.allSatisfy { $0.first == "missing id" }, "\(left)")
                // Every healed record that has an id is now in the table as the truth serves it; only
                // the two healed records that never had an id to ask for are missing.
                let comparison = try await harness.compareWithTruth(try await harness.truth())
                #expect(comparison.missing == 2 && comparison.extra == 0 && comparison.wrongVersion == 0 && comparison.wrongRaw == 0, "\(comparison)")
                // The retries are loads, recorded as runs, but the pipeline's last run is still its backfill.
                #expect(try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).runs WHERE mode = 'quarantine-retry'") >= 1)
                let status = try #require(try Self.json(try await cli(harness, ["status", "--json"]).stdout) as? [String: Any])
                let last = try #require((status["pipelines"] as? [[String: Any]])?.first?["lastRun"] as? [String: Any])
                #expect(last["mode"] as? String == "backfill" && last["status"] as? String == "done", "\(last)")
            }
        }

        @Test("status per pipeline (text and JSON); state set, reset and forget, each refused while a run holds the pipeline")
        func statusAndState() async throws {
            try await ExportHarness.with(configure: { $0.customers = 3000; $0.latencyMilliseconds = 20; $0.poison = 7 }) { harness in
                let pipeline = FileManager.default.temporaryDirectory.appendingPathComponent("nightly-\(UUID().uuidString).yml")
                try "pipeline: nightly\nmode: incremental\nincremental: { start: 2023-01-01, lookback: 1h, lag: 1m }\nconcurrency: 2\n"
                    .write(to: pipeline, atomically: true, encoding: .utf8)
                defer { try? FileManager.default.removeItem(at: pipeline) }
                let run = ["run", pipeline.path] + harness.cliFlags + ExportHarness.dayWindows
                let child = try Executables.start("customer-export", run, environment: harness.cliEnvironment)
                _ = try await harness.waitForDoneWindows(atLeast: 5, while: child)
                let busy = try #require(try Self.json(try await cli(harness, ["status", "--json"]).stdout) as? [String: Any])
                let active = try #require((busy["pipelines"] as? [[String: Any]])?.first?["active"] as? [String: Any])
                #expect(active["lockHeld"] as? Bool == true && (active["doing"] as? String)?.contains("windows done") == true, "\(active)")
                let refused = try await cli(harness, ["state", "set-watermark", "--pipeline", "nightly", "--to", "2025-01-01"])
                #expect(refused.status == 6 && refused.stderr.contains("is active"), "\(refused.stderr)")
                let forget = try await cli(harness, ["state", "forget-run", "--run", "1"])
                #expect(forget.status == 6, "\(forget.stderr)")
                #expect(await child.finish().status == 0)

                let text = try await cli(harness, ["status"])
                #expect(text.stdout.contains("pipeline nightly → \(harness.target)") && text.stdout.contains("active      no"), "\(text.stdout)")
                #expect(text.stdout.contains("watermark   20") && text.stdout.contains("quarantine  5: "), "\(text.stdout)")
                let done = try #require(try Self.json(try await cli(harness, ["status", "--json"]).stdout) as? [String: Any])
                let status = try #require((done["pipelines"] as? [[String: Any]])?.first)
                #expect((status["lastRun"] as? [String: Any])?["status"] as? String == "done")
                #expect((status["quarantine"] as? [[String: Any]])?.isEmpty == false)

                // After restoring the table from a backup: move the watermark back; the next run reads from there.
                let moved = try await cli(harness, ["state", "set-watermark", "--pipeline", "nightly", "--to", "2025-06-01"])
                #expect(moved.status == 0, "\(moved.stderr)")
                let shown = try await cli(harness, ["state", "show", "--pipeline", "nightly"])
                #expect(shown.stdout.contains("watermark   2025-06-01T00:00:00"), "\(shown.stdout)")
                let next = try await Executables.run("customer-export", run + ["--report", pipeline.path + ".json"], environment: harness.cliEnvironment)
                #expect(next.status == 0, "\(next.stderr)")
                #expect(next.stderr.contains("updatedAt [2025-05-31T23:00:00"), "\(next.stderr)")
                try? FileManager.default.removeItem(atPath: pipeline.path + ".json")

                let reset = try await cli(harness, ["state", "reset-watermark", "--pipeline", "nightly"])
                #expect(reset.status == 0 && reset.stdout.contains("removed"), "\(reset.stdout)")
                #expect(try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).watermarks") == 0)

                // Run 1 committed windows: they stay as loads (a downstream job may not have read
                // them), the run is superseded, and nothing of it is left to resume.
                let loads = try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).loads WHERE run_id = 1")
                #expect(loads > 0)
                _ = try await harness.query("UPDATE \(harness.stateSchema).windows SET status = 'failed' WHERE id = (SELECT max(id) FROM \(harness.stateSchema).windows WHERE run_id = 1)")
                let forgotten = try await cli(harness, ["state", "forget-run", "--run", "1"])
                #expect(forgotten.status == 0 && forgotten.stdout.contains("is forgotten: 1 unfinished window(s) removed"), "\(forgotten.stdout)\(forgotten.stderr)")
                #expect(try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).loads WHERE run_id = 1") == loads - 1)
                #expect(try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).windows WHERE run_id = 1 AND status <> 'done'") == 0)
                #expect(try await harness.query("SELECT status FROM \(harness.stateSchema).runs WHERE id = 1").first?.first == "superseded")
                let unknown = try await cli(harness, ["state", "forget-run", "--run", "999"])
                #expect(unknown.status == 2 && unknown.stderr.contains("no run 999"), "\(unknown.stderr)")
            }
        }
    }
}
