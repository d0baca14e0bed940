import CustomerExport
import Foundation
import Testing
import TestSupport

extension ProductionScenarios {
    /// A nightly job waits out what a batch user expects it to: a deploy or restart of the API,
    /// a restart or failover of PostgreSQL. Runs here use the default settings (`--retry-for`
    /// 10m), and only the simulator and the database misbehave.
    @Suite("Outages of the API and of PostgreSQL")
    struct OutageTests {
        /// A harness whose database is a server of this test's own (which it may stop), removed
        /// afterwards on every path.
        static func withPrivateDatabase(
            customers: Int, latencyMilliseconds: Int, _ body: (ExportHarness, PrivatePostgres) async throws -> Void
        ) async throws {
            let database = try await PrivatePostgres.start()
            var failure: (any Error)?
            do {
                try await ExportHarness.with(configure: { $0.customers = customers; $0.latencyMilliseconds = latencyMilliseconds }) { shared in
                    let harness = ExportHarness(simulator: shared.simulator, databaseURL: database.databaseURL,
                                                targetSchema: shared.targetSchema, stateSchema: shared.stateSchema)
                    try await body(harness, database)
                }
            } catch {
                failure = error
            }
            await database.remove()
            if let failure { throw failure }
        }

        static func report(_ path: URL) throws -> RunReport {
            try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: path))
        }

        static func temporaryFile(_ name: String) -> URL {
            FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString).json")
        }

        @Test("a 90-second total API outage in the middle of a default-settings backfill: the run pauses, resumes, exits 0 with every customer loaded")
        func apiOutage() async throws {
            try await ExportHarness.with(configure: { $0.customers = 20_000; $0.latencyMilliseconds = 50 }) { harness in
                let reportFile = Self.temporaryFile("outage-report")
                defer { try? FileManager.default.removeItem(at: reportFile) }
                let child = try Executables.start(
                    "customer-export", ["backfill", "--from", "2023-01-01", "--to", "2026-01-01", "--report", reportFile.path] + harness.cliFlags + ExportHarness.dayWindows,
                    environment: harness.cliEnvironment)
                #expect(try await harness.waitForDoneWindows(atLeast: 100, while: child) >= 100)
                _ = try await harness.admin("/__admin/outage?seconds=90&fault=503", method: "POST")
                let outcome = await child.finish()
                #expect(outcome.status == 0, "\(outcome.stderr)")
                #expect(outcome.stderr.contains("the API is failing every request"), "\(outcome.stderr)")
                #expect(outcome.stderr.contains("the API answers again"), "\(outcome.stderr)")
                #expect(try await harness.compareWithTruth(try await harness.truth()).isExact)
                let report = try Self.report(reportFile)
                #expect(report.windows.failed == 0 && report.windows.pending == 0)
                #expect(report.outages.apiOutages >= 1)
                #expect(report.outages.apiSecondsWaited >= 85, "\(report.outages)")
                #expect((report.requests.byStatus["503"] ?? 0) > 0)
            }
        }

        @Test("a 10-second PostgreSQL restart in the middle of a default-settings backfill: loaders reconnect, cut windows are redone, exit 0 with every customer loaded")
        func databaseRestart() async throws {
            try await Self.withPrivateDatabase(customers: 10_000, latencyMilliseconds: 30) { harness, database in
                let reportFile = Self.temporaryFile("restart-report")
                defer { try? FileManager.default.removeItem(at: reportFile) }
                let child = try Executables.start(
                    "customer-export", ["backfill", "--from", "2023-01-01", "--to", "2026-01-01", "--report", reportFile.path] + harness.cliFlags + ExportHarness.dayWindows,
                    environment: harness.cliEnvironment)
                #expect(try await harness.waitForDoneWindows(atLeast: 100, while: child) >= 100)
                try await database.stopKeepingData()
                try await Task.sleep(for: .seconds(10))
                try await database.startAgain()
                let outcome = await child.finish()
                #expect(outcome.status == 0, "\(outcome.stderr)")
                #expect(outcome.stderr.contains("lost the connection to PostgreSQL"), "\(outcome.stderr)")
                #expect(try await harness.compareWithTruth(try await harness.truth()).isExact)
                #expect(try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).runs") == 1)
                let report = try Self.report(reportFile)
                #expect(report.windows.failed == 0 && report.windows.pending == 0)
                #expect(report.outages.databaseOutages >= 1)
                #expect(report.outages.databaseSecondsWaited >= 5, "\(report.outages)")
            }
        }

        @Test("an API down for longer than --retry-for ends the run with exit 1; the same command resumes once it is back")
        func apiPastBudget() async throws {
            try await ExportHarness.with(configure: { $0.customers = 3000; $0.latencyMilliseconds = 20 }) { harness in
                let arguments = ["backfill", "--from", "2023-01-01", "--to", "2026-01-01", "--retry-for", "4s"] + harness.cliFlags + ExportHarness.dayWindows
                let child = try Executables.start("customer-export", arguments, environment: harness.cliEnvironment)
                #expect(try await harness.waitForDoneWindows(atLeast: 20, while: child) >= 20)
                _ = try await harness.admin("/__admin/outage?seconds=3600&fault=reset", method: "POST")
                let outcome = await child.finish()
                #expect(outcome.status == 1, "\(outcome.stderr)")
                #expect(outcome.stderr.contains("longer than the retry budget of 4s"), "\(outcome.stderr)")
                _ = try await harness.admin("/__admin/outage?seconds=0", method: "POST")
                let resumed = try await Executables.run("customer-export", arguments, environment: harness.cliEnvironment)
                #expect(resumed.status == 0, "\(resumed.stderr)")
                #expect(try await harness.compareWithTruth(try await harness.truth()).isExact)
            }
        }

        @Test("a database away for longer than --retry-for ends the run with exit 4 and its report; the same command resumes once it is back")
        func databasePastBudget() async throws {
            try await Self.withPrivateDatabase(customers: 3000, latencyMilliseconds: 20) { harness, database in
                let reportFile = Self.temporaryFile("db-gone-report")
                defer { try? FileManager.default.removeItem(at: reportFile) }
                let arguments = ["backfill", "--from", "2023-01-01", "--to", "2026-01-01", "--retry-for", "3s"] + harness.cliFlags + ExportHarness.dayWindows
                let child = try Executables.start("customer-export", arguments + ["--report", reportFile.path], environment: harness.cliEnvironment)
                #expect(try await harness.waitForDoneWindows(atLeast: 20, while: child) >= 20)
                try await database.stopKeepingData()
                let outcome = await child.finish()
                #expect(outcome.status == 4, "\(outcome.stderr)")
                #expect(outcome.stderr.contains("has not come back"), "\(outcome.stderr)")
                #expect(!outcome.stderr.contains("export-secret"))
                let report = try Self.report(reportFile)
                #expect(report.exitCode == 4 && report.status == "failed", "\(report)")
                try await database.startAgain()
                let resumed = try await Executables.run("customer-export", arguments, environment: harness.cliEnvironment)
                #expect(resumed.status == 0, "\(resumed.stderr)")
                #expect(try await harness.compareWithTruth(try await harness.truth()).isExact)
            }
        }
    }
}
