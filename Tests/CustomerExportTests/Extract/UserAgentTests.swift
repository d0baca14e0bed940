import CustomersSimulator
import Foundation
import Synchronization
import Testing
import TestSupport
@testable import CustomerExport

/// `api.userAgent` goes from the pipeline file to the header of every request.
@Suite("User-Agent header")
struct UserAgentTests {
    /// Keeps the headers of every request it passes on.
    final class RecordingTransport: HTTPTransport {
        let inner: any HTTPTransport
        let seen = Mutex<[[String: String]]>([])

        init(_ inner: any HTTPTransport) { self.inner = inner }

        func get(url: String, headers: [(name: String, value: String)], timeout: TimeSpan) throws(TransportError) -> HTTPResult {
            seen.withLock { $0.append(Dictionary(headers.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })) }
            return try inner.get(url: url, headers: headers, timeout: timeout)
        }

        func shutdown() { inner.shutdown() }
    }

    func userAgent(sentWith file: String?) async throws -> String? {
        let simulator = try await CustomersSimulator.start(SimulatorOptions(customers: 20, seed: 3, token: "t"))
        defer { Task { await simulator.stop() } }
        let definition = try file.map { try PipelineDefinition.parse("pipeline: p\napi: { \($0) }\n", source: "p.yml", environment: [:]) }
        var overrides = RunOverrides()
        for (flag, value) in [("--api-url", simulator.baseURL), ("--from", "2000-01-01"), ("--to", "2100-01-01")] { overrides.set(flag, value) }
        let request = try RunSettings.build(file: definition, overrides: overrides, environment: ["CUSTOMERS_API_TOKEN": "t"])
        let transport = RecordingTransport(try AsyncHTTPClientTransport(maxConnections: 1, connectTimeout: .seconds(5), caFile: nil))
        defer { transport.shutdown() }
        let client = CustomersAPIClient(configuration: request.api, transport: transport, stats: RequestStats(), cancellation: CancellationToken())
        let window = TimeWindow(field: .createdAt, from: try #require(request.from), to: try #require(request.to))
        let page = try await runBlocking { try client.fetch(PageRequest(window: window, offset: 0, limit: 5)) }
        #expect(page.body.entryCount == 5)
        return transport.seen.withLock { $0.last?["User-Agent"] }
    }

    @Test("every request says who sends it: customer-export by default")
    func byDefault() async throws {
        #expect(try await userAgent(sentWith: nil) == "customer-export")
    }

    @Test("a pipeline file's api.userAgent replaces it")
    func fromPipelineFile() async throws {
        #expect(try await userAgent(sentWith: "userAgent: \"reporting-etl/2 (data@example.com)\"") == "reporting-etl/2 (data@example.com)")
    }
}
