import Testing
import TestSupport
@testable import CustomerExport

@Suite("Pipeline files and run requests")
struct PipelineDefinitionTests {
    let environment = ["CUSTOMERS_API_TOKEN": "secret-token", "DATABASE_URL": "postgresql://u:p@h/db", "API": "http://api:8080"]

    @Test("environment interpolation with defaults; a variable that is not set is kept and named")
    func interpolation() throws {
        let (text, unresolved) = try PipelineDefinition.interpolate("a ${API} ${NOPE:-dflt} b", source: "f", environment: environment)
        #expect(text == "a http://api:8080 dflt b" && unresolved.isEmpty)
        let (kept, missing) = try PipelineDefinition.interpolate("${NOPE} ${NOPE}", source: "f", environment: [:])
        #expect(kept == "${NOPE} ${NOPE}" && missing == ["NOPE"])
    }

    @Test("a variable that is not set is an error only where its value is used; a flag replacing that value makes it harmless")
    func unsetVariableReplacedByFlag() throws {
        let definition = try PipelineDefinition.parse(
            "pipeline: p\napi: { url: \"${API_URL}\" }\ndatabase: { url: \"${DATABASE_URL}\" }\n", source: "p.yml", environment: [:])
        var overrides = RunOverrides()
        overrides.mode = .backfill
        overrides.from = "2024-01-01"
        overrides.to = "2024-02-01"
        overrides.apiURL = "http://api:8080"
        #expect(throws: ExportError.configuration("p.yml uses ${DATABASE_URL} for `database.url`, which is not set; export it, give a default as ${DATABASE_URL:-value}, or pass --database-url")) {
            try RunRequestBuilder.build(definition: definition, overrides: overrides, environment: ["CUSTOMERS_API_TOKEN": "t"])
        }
        overrides.databaseURL = "postgresql://u@h/db"
        let request = try RunRequestBuilder.build(definition: definition, overrides: overrides, environment: ["CUSTOMERS_API_TOKEN": "t"])
        #expect(request.databaseURL == "postgresql://u@h/db" && request.api.baseURL == "http://api:8080")
        // A number left unresolved cannot be decoded: the variable is named, not the type.
        #expect(throws: ExportError.configuration("p.yml uses ${PAGE}, which is not set; export it, give a default as ${PAGE:-value}")) {
            try PipelineDefinition.parse("pipeline: p\napi: { pageSize: ${PAGE} }\n", source: "p.yml", environment: [:])
        }
    }

    @Test("--api-url takes the base URL or the endpoint's full URL")
    func fullEndpointURL() throws {
        for given in ["http://api:8080", "http://api:8080/", "http://api:8080/v1/customers", "http://api:8080/v1/customers/"] {
            var overrides = RunOverrides()
            overrides.from = "2024-01-01"
            overrides.to = "2024-02-01"
            overrides.apiURL = given
            let request = try RunRequestBuilder.build(definition: nil, overrides: overrides, environment: environment)
            #expect(request.api.endpoint == "http://api:8080/v1/customers", "\(given)")
        }
    }

    @Test("filter flags replace the file's filters one by one, and bad values are named by their flag or key")
    func filterFlags() throws {
        let definition = try PipelineDefinition.parse(
            "pipeline: p\napi: { url: x, filters: { types: [fleet], operatorId: 7, search: abc } }\n", source: "p.yml", environment: [:])
        var overrides = RunOverrides()
        overrides.from = "2024-01-01"
        overrides.to = "2024-02-01"
        overrides.apiURL = "http://api:8080"
        overrides.filters.types = ["business", "private"]
        overrides.filters.ownerId = 42
        let request = try RunRequestBuilder.build(definition: definition, overrides: overrides, environment: environment)
        #expect(request.api.filters == CustomerFilters(types: ["business", "private"], ownerId: 42, operatorId: 7, search: "abc"))
        #expect(request.api.filters.summary == "types=business,private ownerId=42 operatorId=7 search=\"abc\"")

        overrides.filters.parentId = -3
        #expect(throws: ExportError.configuration("--parent-id must be a positive customer id (got -3)")) {
            try RunRequestBuilder.build(definition: definition, overrides: overrides, environment: environment)
        }
        overrides.filters.parentId = nil
        overrides.filters.types = ["business", " "]
        #expect(throws: ExportError.configuration("--type has an empty value (entry 2); give a customer type such as business or fleet")) {
            try RunRequestBuilder.build(definition: definition, overrides: overrides, environment: environment)
        }
        let negative = try PipelineDefinition.parse("pipeline: p\napi: { url: x, filters: { customerIds: [5, 0] } }\n", source: "p.yml", environment: [:])
        #expect(throws: ExportError.configuration("api.filters.customerIds must be a positive customer id (got 0)")) {
            try RunRequestBuilder.build(definition: negative, overrides: RunOverrides(), environment: environment)
        }
        #expect(throws: ExportError.self) {
            try PipelineDefinition.parse("pipeline: p\napi: { filters: { types: [] } }\n", source: "p.yml", environment: [:])
        }
        var reconcile = overrides
        reconcile.mode = .reconcile
        reconcile.filters = CustomerFilters()
        #expect(throws: ExportError.self) { try RunRequestBuilder.build(definition: definition, overrides: reconcile, environment: environment) }
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
            windowRows: 5000
            """, source: "p.yml", environment: environment)
        #expect(try RunRequestBuilder.build(definition: definition, overrides: RunOverrides(), environment: environment).targetWindowRows == 5000)
        var none = definition
        none.windowRows = 0
        do {
            _ = try RunRequestBuilder.build(definition: none, overrides: RunOverrides(), environment: environment)
            Issue.record("accepted windowRows: 0")
        } catch {
            #expect(error.exitCode == 2 && error.message.contains("windowRows in a pipeline file"), "\(error.message)")
        }
        var overrides = RunOverrides()
        overrides.concurrency = 16
        overrides.window = "6h"
        overrides.windowRows = 8000
        let request = try RunRequestBuilder.build(definition: definition, overrides: overrides, environment: environment)
        #expect(request.targetWindowRows == 8000)
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
