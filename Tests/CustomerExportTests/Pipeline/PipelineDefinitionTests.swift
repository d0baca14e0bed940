import Testing
import TestSupport
@testable import CustomerExport

@Suite("Pipeline files and run requests")
struct PipelineDefinitionTests {
    let environment = ["CUSTOMERS_API_TOKEN": "secret-token", "DATABASE_URL": "postgresql://u:p@h/db", "API": "http://api:8080"]

    @Test("environment interpolation with defaults, and a missing variable named in the error")
    func interpolation() throws {
        #expect(try PipelineDefinition.interpolate("a ${API} ${NOPE:-dflt} b", source: "f", environment: environment) == "a http://api:8080 dflt b")
        #expect(throws: ExportError.configuration("f uses ${NOPE}, which is not set; export it or give a default as ${NOPE:-value}")) {
            try PipelineDefinition.interpolate("${NOPE}", source: "f", environment: [:])
        }
    }

    @Test("an unknown key is an error that names it")
    func unknownKey() {
        do {
            _ = try PipelineDefinition.parse("pipeline: p\napi:\n  url: x\n  pageSzie: 10\n", source: "p.yml", environment: [:])
            Issue.record("accepted an unknown key")
        } catch {
            #expect(error.exitCode == 2)
            #expect(error.message.contains("unknown key `api.pageSzie`"))
        }
    }

    @Test("the shipped pipeline files parse")
    func shipped() throws {
        for name in ["demo", "backfill-example", "nightly"] {
            let definition = try PipelineDefinition.load(path: ScriptRunner.packageRoot.appendingPathComponent("pipelines/\(name).yml").path, environment: environment)
            #expect(definition.pipeline.isEmpty == false)
        }
    }

    @Test("flags override the file; dates and durations are parsed; the token comes from the environment")
    func overrides() throws {
        let definition = try PipelineDefinition.parse("""
            pipeline: p
            api: { url: "${API}", pageSize: 100, filters: { types: [fleet], operatorId: 7 } }
            backfill: { from: 2024-01-01, to: 2024-02-01, window: 1d }
            concurrency: 4
            """, source: "p.yml", environment: environment)
        var overrides = RunOverrides()
        overrides.concurrency = 16
        overrides.window = "6h"
        let request = try RunRequestBuilder.build(definition: definition, overrides: overrides, environment: environment)
        #expect(request.concurrency == 16)
        #expect(request.windowSize == .hours(6))
        #expect(request.api.pageSize == 100)
        #expect(request.api.token == "secret-token")
        #expect(request.api.filters.types == ["fleet"] && request.api.filters.operatorId == 7)
        #expect(request.from == Timestamp(dateOrTimestamp: "2024-01-01"))
        #expect(request.to == Timestamp(dateOrTimestamp: "2024-02-01"))
        #expect(request.databaseURL == "postgresql://u:p@h/db")
    }

    @Test("bad values get one sentence and exit code 2", arguments: [
        (["--from": "2024-02-01", "--to": "2024-01-01"], "must be before"),
        (["--from": "2024-13-01", "--to": "2025-01-01"], "is not a date"),
        (["--from": "2024-01-01", "--to": "2025-01-01", "--window": "0s"], "longer than zero"),
        (["--from": "2024-01-01", "--to": "2025-01-01", "--window": "soon"], "is not a duration"),
        (["--from": "2024-01-01", "--to": "2025-01-01", "--concurrency": "0"], "at least 1"),
        (["--from": "2024-01-01", "--to": "2025-01-01", "--target-table": "x; DROP TABLE y"], "not a plain identifier"),
    ])
    func badInput(_ flags: [String: String], _ expected: String) {
        var overrides = RunOverrides()
        overrides.apiURL = "http://127.0.0.1:1"
        overrides.from = flags["--from"]
        overrides.to = flags["--to"]
        overrides.window = flags["--window"]
        overrides.concurrency = flags["--concurrency"].flatMap { Int($0) }
        overrides.targetTable = flags["--target-table"]
        do {
            _ = try RunRequestBuilder.build(definition: nil, overrides: overrides, environment: environment)
            Issue.record("accepted \(flags)")
        } catch {
            #expect(error.exitCode == 2)
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test("a missing token is a configuration error that says where to put it")
    func missingToken() {
        var overrides = RunOverrides()
        overrides.apiURL = "http://127.0.0.1:1"
        overrides.from = "2024-01-01"
        overrides.to = "2024-02-01"
        #expect(throws: ExportError.configuration("no API token: set CUSTOMERS_API_TOKEN in the environment or pass --token-file FILE")) {
            try RunRequestBuilder.build(definition: nil, overrides: overrides, environment: [:])
        }
    }
}
