import Foundation
import Testing
import TestSupport

extension ProductionScenarios {
    /// Every kind of run is continued after a kill, whatever "now" has become: a backfill whose
    /// `--to` lies in the future, the first incremental run, a reconcile. One run record each;
    /// windows done before a kill are never read again.
    @Suite("Resume every run after SIGKILL", .serialized)
    struct ResumeEveryRunTests {
        /// A done window and the moment it was completed: a window read again would change both.
        struct DoneWindow: Hashable {
            var from: String
            var to: String
            var completedAt: String
        }

        /// The runs table, for the message of a failed expectation.
        static func runs(_ harness: ExportHarness) async -> String {
            let rows = (try? await harness.query(
                "SELECT id, mode, status, range_to::text, identity, coalesce(last_error, '') FROM \(harness.stateSchema).runs ORDER BY id")) ?? []
            return rows.map { $0.map { $0 ?? "NULL" }.joined(separator: " | ") }.joined(separator: "\n")
        }

        /// Empty before the state tables exist (a kill before the run got that far).
        static func doneWindows(_ harness: ExportHarness) async throws -> Set<DoneWindow> {
            let tables = try await harness.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = '\(harness.stateSchema)' AND tablename = 'windows'")
            guard tables == 1 else { return [] }
            let rows = try await harness.query(
                "SELECT window_from::text, window_to::text, updated_at::text FROM \(harness.stateSchema).windows WHERE status = 'done'")
            return Set(rows.map { DoneWindow(from: $0[0] ?? "", to: $0[1] ?? "", completedAt: $0[2] ?? "") })
        }

        /// Starts `arguments` `kills` times and SIGKILLs each at a random instant: the first
        /// anywhere in its first seconds (startup included), the others at a random moment after
        /// the run has committed another window (so that a busy machine cannot push every kill
        /// before the first commit); then runs it to its end, checks that no window done before a
        /// kill was touched again, and returns the last run's outcome.
        static func killAtRandomThenFinish(
            _ harness: ExportHarness, _ arguments: [String], environment: [String: String], kills: Int = 3
        ) async throws -> Executables.Outcome {
            var doneBeforeKills: Set<DoneWindow> = []
            for kill in 0..<kills {
                let child = try Executables.start("customer-export", arguments, environment: environment)
                var polls = 0
                while kill > 0, polls < 1200, try await doneWindows(harness).count <= doneBeforeKills.count {
                    try await Task.sleep(for: .milliseconds(50))
                    polls += 1
                }
                try await Task.sleep(for: .milliseconds(kill == 0 ? Int.random(in: 300...2500) : Int.random(in: 0...1500)))
                child.signal(SIGKILL)
                _ = await child.finish()
                doneBeforeKills.formUnion(try await doneWindows(harness))
            }
            #expect(!doneBeforeKills.isEmpty, "no window was done before the kills; the runs were too short to test resuming")
            let final = try await Executables.run("customer-export", arguments, environment: environment)
            let doneAfter = try await doneWindows(harness)
            #expect(doneBeforeKills.isSubset(of: doneAfter), "a window done before a kill was read again")
            return final
        }

        @Test("a backfill whose --to is in the future, killed 3 times at random instants, resumes as one run to the exact table")
        func openEndedBackfill() async throws {
            try await ExportHarness.with(configure: { $0.customers = 6000; $0.latencyMilliseconds = 15 }) { harness in
                let arguments = ["backfill", "--from", "2023-01-01", "--to", "2099-01-01", "--concurrency", "2"] + harness.cliFlags + ExportHarness.dayWindows
                let final = try await Self.killAtRandomThenFinish(harness, arguments, environment: harness.cliEnvironment)
                #expect(final.status == 0, "\(final.stderr)")
                let runs = await Self.runs(harness)
                #expect(try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).runs") == 1, "\(runs)")
                #expect(try await harness.compareWithTruth(try await harness.truth()).isExact)
                let end = try await harness.query("SELECT range_to > now() - interval '10 minutes' FROM \(harness.stateSchema).runs")
                #expect(end.first?.first == "t", "the run was not extended to now − lag")
            }
        }

        @Test("the first incremental run, killed 3 times at random instants, resumes as one run and sets the watermark")
        func firstIncrementalRun() async throws {
            try await ExportHarness.with(configure: { $0.customers = 6000; $0.latencyMilliseconds = 15 }) { harness in
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("nightly-\(UUID().uuidString).yml")
                try """
                    pipeline: nightly
                    mode: incremental
                    incremental: { start: 2023-01-01, lookback: 1h, lag: 1m }
                    concurrency: 2
                    """.write(to: file, atomically: true, encoding: .utf8)
                defer { try? FileManager.default.removeItem(at: file) }
                let arguments = ["run", file.path] + harness.cliFlags + ExportHarness.dayWindows
                let final = try await Self.killAtRandomThenFinish(harness, arguments, environment: harness.cliEnvironment)
                #expect(final.status == 0, "\(final.stderr)")
                let runs = await Self.runs(harness)
                #expect(try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).runs") == 1, "\(runs)")
                #expect(try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).watermarks WHERE watermark > now() - interval '10 minutes'") == 1)
                #expect(try await harness.compareWithTruth(try await harness.truth()).isExact)
            }
        }

        @Test("a reconcile up to a future --to, killed twice at random instants, resumes as one run and marks exactly the deleted customers")
        func reconcile() async throws {
            try await ExportHarness.with(configure: { $0.customers = 6000; $0.latencyMilliseconds = 15 }) { harness in
                let backfill = try await Executables.run(
                    "customer-export", ["backfill", "--from", "2023-01-01", "--to", "2026-01-01"] + harness.cliFlags, environment: harness.cliEnvironment)
                #expect(backfill.status == 0, "\(backfill.stderr)")
                _ = try await harness.admin("/__admin/mutate?count=25&kind=delete", method: "POST")
                let truth = try await harness.truth()
                let arguments = ["reconcile", "--from", "2023-01-01", "--to", "2099-01-01", "--concurrency", "2"] + harness.cliFlags + ExportHarness.dayWindows
                let final = try await Self.killAtRandomThenFinish(harness, arguments, environment: harness.cliEnvironment, kills: 2)
                #expect(final.status == 0, "\(final.stderr)")
                let runs = await Self.runs(harness)
                #expect(try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).runs WHERE mode = 'reconcile'") == 1, "\(runs)")
                let marked = try await harness.query("SELECT id FROM \(harness.target) WHERE deleted_at IS NOT NULL ORDER BY id")
                let markedIds: [Int64] = marked.compactMap { row in row.first.flatMap { $0 }.flatMap { Int64($0) } }
                let deletedIds: [Int64] = truth.deleted.sorted()
                #expect(markedIds == deletedIds)
                #expect(try await harness.compareWithTruth(truth).isExact)
            }
        }
    }
}
