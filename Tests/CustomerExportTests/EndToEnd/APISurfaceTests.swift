import Foundation
import Testing
import TestSupport

/// What a user types and what the API answers: filters as flags, the page size checked before
/// anything is written, and errors that name their cause (401: a filter the token may not use;
/// 403: a missing or invalid token), never the token.
@Suite("The command line against the API")
struct APISurfaceTests {
    /// The truth's customers as objects, to pick filter values from and to filter in Swift.
    static func records(_ truth: SimulatorTruth) throws -> [[String: Any]] {
        try truth.customers.compactMap { try JSONSerialization.jsonObject(with: Data($0.record.utf8)) as? [String: Any] }
    }

    @Test("filters given as flags export exactly the matching customers, and plan shows them")
    func filterFlags() async throws {
        try await ExportHarness.with(configure: { $0.customers = 3000 }) { harness in
            let records = try Self.records(try await harness.truth())
            let operators = Dictionary(grouping: records.compactMap { ($0["operatorId"] as? NSNumber)?.int64Value }, by: { $0 })
            let busiest = try #require(operators.max { $0.value.count < $1.value.count }?.key)
            let expected = Set(records.filter {
                ($0["operatorId"] as? NSNumber)?.int64Value == busiest && ["business", "fleet"].contains($0["type"] as? String ?? "")
            }.compactMap { ($0["id"] as? NSNumber)?.int64Value })
            #expect(expected.count > 10)

            let filters = ["--operator-id", String(busiest), "--type", "business", "--type", "fleet"]
            let outcome = try await Executables.run(
                "customer-export", ["backfill", "--from", "2023-01-01", "--to", "2026-01-01"] + filters + harness.cliFlags,
                environment: harness.cliEnvironment)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let loaded = Set(try await harness.query("SELECT id FROM \(harness.target)").compactMap { $0[0].flatMap { Int64($0) } })
            #expect(loaded == expected)
            let identity = try await harness.query("SELECT identity FROM \(harness.stateSchema).runs").first?.first ?? nil
            #expect(identity?.contains("operator=\(busiest)") == true && identity?.contains("types=business,fleet") == true)

            let pipeline = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString).yml")
            try "pipeline: p\nbackfill: { from: 2024-01-01, to: 2024-03-01, window: 30d }\n".write(to: pipeline, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: pipeline) }
            let plan = try await Executables.run(
                "customer-export", ["plan", pipeline.path] + filters + harness.cliFlags, environment: harness.cliEnvironment)
            #expect(plan.status == 0, "\(plan.stderr)")
            #expect(plan.stdout.contains("filters: types=business,fleet operatorId=\(busiest)"), "\(plan.stdout)")
        }
    }

    @Test("--page-size over the server's maximum exits 2 naming the maximum, before anything is written")
    func pageSizeOverMaximum() async throws {
        try await ExportHarness.with { harness in
            let outcome = try await Executables.run(
                "customer-export", ["backfill", "--from", "2024-01-01", "--to", "2024-02-01", "--page-size", "500"] + harness.cliFlags,
                environment: harness.cliEnvironment)
            #expect(outcome.status == 2, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("refuses pages of 500 records") && outcome.stderr.contains("at most 200"), "\(outcome.stderr)")
            #expect(try await harness.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = '\(harness.stateSchema)'") == 0)
        }
    }

    @Test("401: a token that may not filter by operatorId is told which filters were sent and which variable the token came from")
    func limitedToken() async throws {
        try await ExportHarness.with(configure: { $0.limitedToken = "partner-token-7" }) { harness in
            let pipeline = FileManager.default.temporaryDirectory.appendingPathComponent("partner-\(UUID().uuidString).yml")
            try "pipeline: partner\napi: { tokenEnv: PARTNER_API_TOKEN }\n".write(to: pipeline, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: pipeline) }
            let outcome = try await Executables.run(
                "customer-export",
                ["backfill", "--pipeline", pipeline.path, "--from", "2024-01-01", "--to", "2024-02-01", "--operator-id", "12"] + harness.cliFlags,
                environment: ["PARTNER_API_TOKEN": "partner-token-7", "CUSTOMERS_API_TOKEN": ""])
            #expect(outcome.status == 3, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("answered 401") && outcome.stderr.contains("operatorId=12"), "\(outcome.stderr)")
            #expect(outcome.stderr.contains("token read from PARTNER_API_TOKEN may not use the filters sent"), "\(outcome.stderr)")
            #expect(!outcome.stderr.contains("partner-token-7"))
            let unfiltered = try await Executables.run(
                "customer-export", ["backfill", "--pipeline", pipeline.path, "--from", "2024-01-01", "--to", "2024-02-01"] + harness.cliFlags,
                environment: ["PARTNER_API_TOKEN": "partner-token-7", "CUSTOMERS_API_TOKEN": ""])
            #expect(unfiltered.status == 0, "the limited token may read without operatorId: \(unfiltered.stderr)")
        }
    }

    @Test("403: a wrong token is called missing or not valid, naming where it was read from, never shown")
    func invalidToken() async throws {
        try await ExportHarness.with { harness in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
            try "not-the-token-99\n".write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            let outcome = try await Executables.run(
                "customer-export", ["backfill", "--from", "2024-01-01", "--to", "2024-02-01", "--token-file", file.path] + harness.cliFlags,
                environment: [:])
            #expect(outcome.status == 3, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("answered 403") && outcome.stderr.contains("token read from the file \(file.path) is missing or not valid"), "\(outcome.stderr)")
            #expect(!outcome.stderr.contains("not-the-token-99"))
        }
    }

    @Test("the endpoint's full URL works as --api-url, and a flag makes the file's unset ${DATABASE_URL} harmless")
    func flagsWin() async throws {
        try await ExportHarness.with(configure: { $0.customers = 500 }) { harness in
            let pipeline = FileManager.default.temporaryDirectory.appendingPathComponent("vars-\(UUID().uuidString).yml")
            try "pipeline: vars\ndatabase: { url: \"${UNSET_DATABASE_URL_FOR_TEST}\" }\n".write(to: pipeline, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: pipeline) }
            let outcome = try await Executables.run(
                "customer-export",
                ["backfill", "--pipeline", pipeline.path, "--from", "2023-01-01", "--to", "2026-01-01",
                 "--api-url", harness.simulator.baseURL + "/v1/customers", "--database-url", harness.databaseURL,
                 "--target-schema", harness.targetSchema, "--state-schema", harness.stateSchema],
                environment: harness.cliEnvironment)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(try await harness.compareWithTruth(try await harness.truth()).isExact)
        }
    }
}
