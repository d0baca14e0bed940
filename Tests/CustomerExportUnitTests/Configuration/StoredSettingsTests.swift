import Foundation
import Testing
@testable import CustomerExport

/// A run's settings go into `runs.params` and come back for its workers through the same
/// declarations, under the names the first versions stored, so older runs still load.
@Suite("Stored run settings")
struct StoredSettingsTests {
    static let environment = ["CUSTOMERS_API_TOKEN": "tok-1"]

    func planned() throws -> RunRequest {
        let file = try PipelineDefinition.parse("""
            pipeline: reporting
            api: { url: "https://api.example.com", pageSize: 150, timeout: 45s, connectTimeout: 3s, maxAttempts: 7, readAhead: 2,
                   maxResponseBytes: 1048576, authHeader: X-Api-Key, authScheme: "", arrayStyle: comma-separated, tokenEnv: CUSTOMERS_API_TOKEN,
                   retryFor: 3m, filters: { types: [fleet, business], operatorId: 7, search: "ab c" } }
            database: { targetSchema: reporting, targetTable: customers_copy, history: true, retryFor: 2m, lockTimeout: 250ms }
            backfill: { from: 2024-01-01, to: 2024-03-01, window: 6h }
            maxWindowRows: 600
            maxReadAttempts: 3
            maxStringBytes: 1000
            """, source: "p.yml", environment: [:])
        return try RunSettings.build(file: file, overrides: RunOverrides(), environment: Self.environment)
    }

    @Test("every stored setting comes back as planned")
    func roundTrip() throws {
        let request = try planned()
        let json = try #require(RunSettings.storedJSON(request))
        #expect(!json.contains("tok-1"), "the token is never stored")
        let stored = try JSONDecoder().decode(StoredValue.self, from: Data(json.utf8))
        let state = try StateSchema("elsewhere")
        let restored = try RunSettings.restore(stored, overrides: RunOverrides(), environment: Self.environment, databaseURL: "postgresql://w@h/db", state: state)
        for setting in RunSettings.all where setting.stored != nil {
            #expect(setting.show(restored) == setting.show(request), "\(setting.name)")
        }
        #expect(restored.databaseURL == "postgresql://w@h/db" && restored.state == state && restored.api.token == "tok-1")
        #expect(restored.api.pageLimit == 150 && restored.api.retry.maxAttempts == 7 && restored.target.history)
    }

    @Test("a run stored by the first versions (every field by its old name) still loads")
    func firstVersionParameters() throws {
        let old = """
            {"pipeline":"p","mode":"backfill","apiBaseURL":"http://api:8080","apiPath":"/v1/customers","authHeaderName":"Authorization",
             "authScheme":"Bearer","envelope":"data-meta","pageSize":120,"arrayStyle":"repeated","filters":{"types":[],"customerIds":[]},
             "readAhead":4,"requestTimeoutSeconds":60,"targetSchema":"public","targetTable":"customers","history":false,
             "windowSizeNanoseconds":86400000000000,"maxWindowRows":50000,"maxReadAttempts":5,"maxStringBytes":65536,"tokenEnv":"CUSTOMERS_API_TOKEN"}
            """
        let stored = try JSONDecoder().decode(StoredValue.self, from: Data(old.utf8))
        // Unsigned: where the token goes must come from the worker's own flags.
        do {
            _ = try RunSettings.restore(stored, overrides: RunOverrides(), environment: Self.environment, databaseURL: "", state: .standard)
            Issue.record("an unsigned run's token source was trusted")
        } catch {
            #expect(error.message.contains("carry no signature"), "\(error.message)")
        }
        let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)").path
        try "tok-1\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: tokenFile) }
        var overrides = RunOverrides()
        overrides.set("--api-url", "http://api:8080")
        overrides.set("--token-file", tokenFile)
        let request = try RunSettings.restore(stored, overrides: overrides, environment: [:], databaseURL: "", state: .standard)
        #expect(request.api.pageLimit == 120 && request.windowSize == .days(1) && request.api.requestTimeout == .seconds(60))
    }

    @Test("a worker's flags replace the stored values")
    func workerFlags() throws {
        let stored = RunSettings.stored(try planned())
        var overrides = RunOverrides()
        overrides.set("--concurrency", 3)
        overrides.set("--retry-for", "20s")
        overrides.set("--lease", "5s")
        let request = try RunSettings.restore(stored, overrides: overrides, environment: Self.environment, databaseURL: "", state: .standard)
        #expect(request.concurrency == 3 && request.lease == .seconds(5))
        #expect(request.api.retry.retryFor == .seconds(20) && request.databaseRetryFor == .seconds(20))
    }
}
