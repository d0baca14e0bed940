import Foundation
import Testing
@testable import CustomerExport

@Suite("Hostile environment: tokens, redirects and pipeline files keep their secrets")
struct HostileEnvironmentTests {
    @Test("a token with a second line, inner whitespace or a control character is refused without quoting it", arguments: [
        "secret-1\nDATABASE_URL=postgres://u:pw@h/db", "secret-1 secret-2", "secret\u{7}1", "sécret",
    ])
    func badToken(_ value: String) throws {
        do {
            _ = try TokenCheck.validated(value, source: "the file /run/token", fix: "put only the token in it")
            Issue.record("accepted \(value.debugDescription)")
        } catch {
            #expect(error.exitCode == 2)
            #expect(error.message.hasPrefix("the file /run/token holds "), "\(error.message)")
            #expect(!error.message.contains("secret") && !error.message.contains("pw"), "\(error.message)")
        }
    }

    @Test("a token surrounded by whitespace and a final newline is accepted, trimmed")
    func trimmedToken() throws {
        #expect(try TokenCheck.validated("  abc.DEF-123_=\n", source: "x", fix: "y") == "abc.DEF-123_=")
    }

    @Test("a token file with two lines is exit 2 naming the file, not its content")
    func tokenFileWithTwoLines() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)").path
        try "tok-123\nPASSWORD=hunter2\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ExportError.configuration("the token file \(path) holds a line break inside the token, so it is more than one token (or not one); put only the token in it")) {
            _ = try RunSettings.token(file: path, variable: "CUSTOMERS_API_TOKEN", environment: [:])
        }
    }

    @Test("redirects are followed within the origin only; https to http is another origin")
    func redirectOrigins() {
        func redirect(_ location: String, from url: String) -> String? {
            RedirectPolicy.sameOriginTarget(of: HTTPResult(status: 307, headers: [("Location", location)], body: []), requestedURL: url)
        }
        #expect(redirect("/v2/customers?limit=1", from: "http://127.0.0.1:8080/v1/customers?limit=1") == "http://127.0.0.1:8080/v2/customers?limit=1")
        #expect(redirect("https://api.example.com:443/x", from: "https://api.example.com/v1") == "https://api.example.com:443/x")
        #expect(redirect("http://api.example.com/v1", from: "https://api.example.com/v1") == nil)
        #expect(redirect("http://127.0.0.1:9999/v1/customers", from: "http://127.0.0.1:8080/v1/customers") == nil)
        #expect(redirect("https://evil.example.net/v1", from: "https://api.example.com/v1") == nil)
    }

    @Test("a value with ': ' and '#' from a variable cannot break the YAML, and is used as given")
    func substitutionAfterParsing() throws {
        let yaml = """
            pipeline: p
            concurrency: ${CONC}
            database:
              url: ${DSN}
            api:
              url: "${API}"
            """
        let dsn = "postgresql://u:pa: ss#word@h/db"
        let definition = try PipelineDefinition.parse(yaml, source: "p.yaml", environment: ["DSN": dsn, "CONC": "3", "API": "http://h:1"])
        #expect(definition.values["database.url"] == .text(dsn))
        #expect(definition.values["concurrency"] == .text("3"))
        #expect(definition.values["api.url"] == .text("http://h:1"))
        var overrides = RunOverrides()
        overrides.set("--from", "2024-01-01")
        overrides.set("--to", "2024-02-01")
        let request = try RunSettings.build(file: definition, overrides: overrides, environment: ["CUSTOMERS_API_TOKEN": "t"])
        #expect(request.databaseURL == dsn && request.concurrency == 3 && request.api.baseURL == "http://h:1")
    }

    @Test("a YAML error names the line and column, never the line's text")
    func yamlErrorHidesText() {
        let yaml = "pipeline: p\ndatabase:\n  url: postgresql://u:hunter2@h/db\n bad: [\n"
        do {
            _ = try PipelineDefinition.parse(yaml, source: "p.yaml", environment: [:])
            Issue.record("parsed")
        } catch {
            #expect(error.exitCode == 2)
            #expect(error.message.contains("line "), "\(error.message)")
            #expect(!error.message.contains("hunter2"), "\(error.message)")
        }
    }
}

@Suite("Hostile source: totals are evidence, not truth")
struct ContradictingTotalsTests {
    @Test("a total that ignores the date bounds stops the halving at once, within a few requests")
    func filterBlindTotal() throws {
        let start = Timestamp(dateOrTimestamp: "2023-01-01")!
        let end = Timestamp(dateOrTimestamp: "2026-01-01")!
        let planner = RowSizedPlanner(field: .createdAt, targetRows: 20_000)
        var requests = 0
        let plan = try #require(planner.plan(
            from: start, to: end,
            count: { parts in requests += parts.count; return parts.map { _ in 1_000_000 } },
            locate: { ranks in requests += ranks.count; return ranks.map { _ in nil } }))
        #expect(plan.totalsContradict)
        #expect(requests == 3, "one count for the range, one for each half")
        #expect(plan.windows.map(\.window) == [TimeWindow(field: .createdAt, from: start, to: end)])
    }

    @Test("an honest bulk import in one half does not count as a contradiction")
    func honestSkew() throws {
        let start = Timestamp(dateOrTimestamp: "2023-01-01")!
        let end = Timestamp(dateOrTimestamp: "2026-01-01")!
        let instant = Timestamp(dateOrTimestamp: "2025-06-01")!
        let planner = RowSizedPlanner(field: .createdAt, targetRows: 20_000)
        let plan = try #require(planner.plan(
            from: start, to: end,
            count: { parts in parts.map { $0.from <= instant && instant <= $0.to ? 100_000 : 0 } },
            locate: { ranks in ranks.map { _ in instant } }))
        #expect(!plan.totalsContradict)
        #expect(plan.probes < RowSizedPlanner.probeBudget(firstTotals: [100_000], partRows: 50_000))
    }
}

@Suite("Hostile environment: stored run parameters are signed with the token")
struct CredentialSignatureTests {
    func parameters() throws -> StoredValue {
        var overrides = RunOverrides()
        for (flag, value) in [("--api-url", "https://api.example.com"), ("--database-url", "postgresql://u@h/db"), ("--from", "2024-01-01"), ("--to", "2024-02-01")] {
            overrides.set(flag, value)
        }
        return RunSettings.stored(try RunSettings.build(file: nil, overrides: overrides, environment: ["CUSTOMERS_API_TOKEN": "tok-1"]))
    }

    @Test("the planner's signature verifies with its token, and with no other")
    func verifies() throws {
        let stored = try parameters()
        let mac = try #require(stored[path: "credentialMAC"]?.string)
        #expect(CredentialSignature(stored).verifies(mac, token: "tok-1"))
        #expect(!CredentialSignature(stored).verifies(mac, token: "tok-2"))
        try RunSettings.checkCredentialSettings(stored, token: "tok-1", overrides: RunOverrides())
    }

    @Test("changing any setting that decides where the token goes breaks it", arguments: ["url", "path", "header", "scheme", "env", "file", "ca"])
    func tampered(_ field: String) throws {
        var stored = try parameters()
        let mac = try #require(stored[path: "credentialMAC"]?.string)
        switch field {
        case "url": stored.set(.string("https://evil.example.net"), at: "apiBaseURL")
        case "path": stored.set(.string("/collect"), at: "apiPath")
        case "header": stored.set(.string("X-Forward-To"), at: "authHeaderName")
        case "scheme": stored.set(.string("Basic"), at: "authScheme")
        case "env": stored.set(.string("DATABASE_URL"), at: "tokenEnv")
        case "file": stored.set(.string("/etc/shadow"), at: "tokenFile")
        default: stored.set(.string("/tmp/evil-ca.pem"), at: "caFile")
        }
        #expect(!CredentialSignature(stored).verifies(mac, token: "tok-1"))
        #expect(throws: ExportError.self) { try RunSettings.checkCredentialSettings(stored, token: "tok-1", overrides: RunOverrides()) }
    }
}
