import Testing
import TestSupport
@testable import CustomerExport

@Suite("Pipeline files and run requests")
struct PipelineDefinitionTests {
    let environment = ["CUSTOMERS_API_TOKEN": "secret-token", "DATABASE_URL": "postgresql://u:p@h/db", "API": "http://api:8080"]

    /// Flags as a command line would give them.
    func flags(_ given: KeyValuePairs<String, String>, mode: RunMode? = nil) -> RunOverrides {
        var overrides = RunOverrides()
        overrides.mode = mode
        for (flag, value) in given { overrides.set(flag, value) }
        return overrides
    }

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
        var overrides = flags(["--from": "2024-01-01", "--to": "2024-02-01", "--api-url": "http://api:8080"], mode: .backfill)
        #expect(throws: ExportError.configuration("p.yml uses ${DATABASE_URL} for `database.url`, which is not set; export it, give a default as ${DATABASE_URL:-value}, or pass --database-url")) {
            try RunSettings.build(file: definition, overrides: overrides, environment: ["CUSTOMERS_API_TOKEN": "t"])
        }
        overrides.set("--database-url", "postgresql://u@h/db")
        let request = try RunSettings.build(file: definition, overrides: overrides, environment: ["CUSTOMERS_API_TOKEN": "t"])
        #expect(request.databaseURL == "postgresql://u@h/db" && request.api.baseURL == "http://api:8080")
        // A number left unresolved is named by its variable and key when it is used, and a flag replaces it.
        let numbers = try PipelineDefinition.parse("pipeline: p\napi: { url: x, pageSize: ${PAGE} }\n", source: "p.yml", environment: [:])
        #expect(throws: ExportError.configuration("p.yml uses ${PAGE} for `api.pageSize`, which is not set; export it, give a default as ${PAGE:-value}, or pass --page-size")) {
            try RunSettings.build(file: numbers, overrides: overrides, environment: ["CUSTOMERS_API_TOKEN": "t"])
        }
        overrides.set("--page-size", 100)
        #expect(try RunSettings.build(file: numbers, overrides: overrides, environment: ["CUSTOMERS_API_TOKEN": "t"]).api.pageLimit == 100)
    }

    @Test("a bad value in a file is refused when the file is read, named by its key")
    func badValueInFile() {
        #expect(throws: ExportError.configuration("api.pageSize \"many\" is not a whole number; use the server's maximum")) {
            try PipelineDefinition.parse("pipeline: p\napi: { pageSize: many }\n", source: "p.yml", environment: [:])
        }
        #expect(throws: ExportError.configuration("windowRows must be at least 1 (it is 0); the default is 20000")) {
            try PipelineDefinition.parse("pipeline: p\nwindowRows: 0\n", source: "p.yml", environment: [:])
        }
        #expect(throws: ExportError.configuration("api.envelope \"xml\" is not one of: data-meta, array")) {
            try PipelineDefinition.parse("pipeline: p\napi: { envelope: xml }\n", source: "p.yml", environment: [:])
        }
        #expect(throws: ExportError.configuration("p.yml is missing `pipeline`; add it")) {
            try PipelineDefinition.parse("concurrency: 2\n", source: "p.yml", environment: [:])
        }
    }

    @Test("--api-url takes the base URL or the endpoint's full URL")
    func fullEndpointURL() throws {
        for given in ["http://api:8080", "http://api:8080/", "http://api:8080/v1/customers", "http://api:8080/v1/customers/"] {
            let request = try RunSettings.build(file: nil, overrides: flags(["--from": "2024-01-01", "--to": "2024-02-01", "--api-url": given]), environment: environment)
            #expect(request.api.endpoint == "http://api:8080/v1/customers", "\(given)")
        }
    }

    @Test("filter flags replace the file's filters one by one, and bad values are named by their flag or key")
    func filterFlags() throws {
        let definition = try PipelineDefinition.parse(
            "pipeline: p\napi: { url: x, filters: { types: [fleet], operatorId: 7, search: abc } }\n", source: "p.yml", environment: [:])
        var overrides = flags(["--from": "2024-01-01", "--to": "2024-02-01", "--api-url": "http://api:8080", "--owner-id": "42"])
        overrides.set("--type", list: ["business", "private"])
        let request = try RunSettings.build(file: definition, overrides: overrides, environment: environment)
        #expect(request.api.filters == CustomerFilters(types: ["business", "private"], ownerId: 42, operatorId: 7, search: "abc"))
        #expect(request.api.filters.summary == "types=business,private ownerId=42 operatorId=7 search=\"abc\"")

        var negative = overrides
        negative.set("--parent-id", -3)
        #expect(throws: ExportError.configuration("--parent-id must be a positive customer id (got -3)")) {
            try RunSettings.build(file: definition, overrides: negative, environment: environment)
        }
        var blank = overrides
        blank.set("--type", list: ["business", " "])
        #expect(throws: ExportError.configuration("--type has an empty value (entry 2); give a customer type such as business or fleet")) {
            try RunSettings.build(file: definition, overrides: blank, environment: environment)
        }
        #expect(throws: ExportError.configuration("api.filters.customerIds must be a positive customer id (got 0)")) {
            try PipelineDefinition.parse("pipeline: p\napi: { url: x, filters: { customerIds: [5, 0] } }\n", source: "p.yml", environment: [:])
        }
        #expect(throws: ExportError.self) {
            try PipelineDefinition.parse("pipeline: p\napi: { filters: { types: [] } }\n", source: "p.yml", environment: [:])
        }
        let reconcile = flags(["--from": "2024-01-01", "--to": "2024-02-01", "--api-url": "http://api:8080"], mode: .reconcile)
        #expect(throws: ExportError.self) { try RunSettings.build(file: definition, overrides: reconcile, environment: environment) }
    }

    @Test("an unknown key is an error that names it and the keys allowed there")
    func unknownKey() {
        do {
            _ = try PipelineDefinition.parse("pipeline: p\napi:\n  url: x\n  pageSzie: 10\n", source: "p.yml", environment: [:])
            Issue.record("accepted an unknown key")
        } catch {
            #expect(error.exitCode == 2)
            #expect(error.message.contains("unknown key `api.pageSzie`"))
            #expect(error.message.contains("pageSize") && error.message.contains("filters") && !error.message.contains("targetTable"), "\(error.message)")
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
        #expect(try RunSettings.build(file: definition, overrides: RunOverrides(), environment: environment).targetWindowRows == 5000)
        let request = try RunSettings.build(file: definition, overrides: flags(["--concurrency": "16", "--window": "6h", "--window-rows": "8000"]), environment: environment)
        #expect(request.targetWindowRows == 8000)
        #expect(request.concurrency == 16)
        #expect(request.windowSize == .hours(6))
        #expect(request.api.pageLimit == 100)
        #expect(request.api.token == "secret-token")
        #expect(request.api.filters.types == ["fleet"] && request.api.filters.operatorId == 7)
        #expect(request.from == Timestamp(dateOrTimestamp: "2024-01-01"))
        #expect(request.to == Timestamp(dateOrTimestamp: "2024-02-01"))
        #expect(request.databaseURL == "postgresql://u:p@h/db")
    }

    @Test("a backfill section is not read by an incremental run, and the reverse")
    func sectionsByMode() throws {
        let definition = try PipelineDefinition.parse("""
            pipeline: p
            mode: incremental
            api: { url: http://api:8080 }
            backfill: { from: 2024-01-01, to: 2024-02-01, window: 1d }
            incremental: { start: 2023-06-01, lookback: 2h, window: 6h }
            """, source: "p.yml", environment: environment)
        let nightly = try RunSettings.build(file: definition, overrides: RunOverrides(), environment: environment)
        #expect(nightly.mode == .incremental && nightly.from == nil && nightly.windowSize == .hours(6) && nightly.lookback == .hours(2))
        let backfill = try RunSettings.build(file: definition, overrides: RunOverrides(), environment: environment).with(mode: .backfill, file: definition, environment: environment)
        #expect(backfill.windowSize == .days(1) && backfill.start == nil && backfill.lookback == .hours(1))
    }

    @Test("bad values get one sentence and exit code 2", arguments: [
        (["--from": "2024-02-01", "--to": "2024-01-01"], "must be before"),
        (["--from": "2024-13-01", "--to": "2025-01-01"], "is not a date"),
        (["--from": "2024-01-01", "--to": "2025-01-01", "--window": "0s"], "must be a positive duration"),
        (["--from": "2024-01-01", "--to": "2025-01-01", "--window": "soon"], "is not a duration"),
        (["--from": "2024-01-01", "--to": "2025-01-01", "--concurrency": "0"], "at least 1"),
        (["--from": "2024-01-01", "--to": "2025-01-01", "--target-table": "x; DROP TABLE y"], "not a plain identifier"),
        (["--from": "2024-01-01", "--to": "2025-01-01", "--page-size": "10", "--max-window-rows": "5"], "at least the page size"),
    ])
    func badInput(_ given: [String: String], _ expected: String) {
        var overrides = RunOverrides()
        overrides.set("--api-url", "http://127.0.0.1:1")
        for (flag, value) in given { overrides.set(flag, value) }
        do {
            _ = try RunSettings.build(file: nil, overrides: overrides, environment: environment)
            Issue.record("accepted \(given)")
        } catch {
            #expect(error.exitCode == 2)
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test("a missing token is a configuration error that says where to put it")
    func missingToken() {
        let overrides = flags(["--api-url": "http://127.0.0.1:1", "--from": "2024-01-01", "--to": "2024-02-01"])
        #expect(throws: ExportError.configuration("no API token: set CUSTOMERS_API_TOKEN in the environment or pass --token-file FILE")) {
            try RunSettings.build(file: nil, overrides: overrides, environment: [:])
        }
    }
}

extension RunRequest {
    /// The same file built again in another mode (as `backfill --pipeline FILE` would).
    func with(mode: RunMode, file: PipelineDefinition, environment: [String: String]) throws -> RunRequest {
        var overrides = RunOverrides()
        overrides.mode = mode
        return try RunSettings.build(file: file, overrides: overrides, environment: environment)
    }
}
