import CustomersSimulator
import Foundation
import Synchronization
import Testing
import TestSupport
@testable import CustomerExport

/// Extract stands on its own: a `WindowReader` reads from the real simulator over HTTP into any
/// `WindowSink`, here one that only collects, with no normalizer, loader or database.
@Suite("Extract: a window read into a sink it is given")
struct WindowReaderSinkTests {
    final class CollectingSink: WindowSink {
        struct Seen {
            var opened: [TimeWindow] = []
            var ids: [Int64] = []
            var completed: [TimeWindow: WindowReadSummary] = [:]
            var split: [TimeWindow] = []
        }
        let seen = Mutex(Seen())

        struct Receiver: PageReceiver {
            let sink: CollectingSink
            func receive(_ page: FetchedPage) -> ExportCounts? {
                let ids = page.body.records.compactMap { range -> Int64? in
                    let object = try? JSONSerialization.jsonObject(with: Data(page.body.bytes[range])) as? [String: Any]
                    return (object?["id"] as? NSNumber)?.int64Value
                }
                sink.seen.withLock { $0.ids += ids }
                var counts = ExportCounts()
                counts.pages = 1
                counts.rowsFetched = page.body.records.count
                return counts
            }
        }

        func open(_ window: TimeWindow) -> any PageReceiver {
            seen.withLock { $0.opened.append(window) }
            return Receiver(sink: self)
        }
        func split(_ parent: TimeWindow, into halves: [TimeWindow]) { seen.withLock { $0.split.append(parent) } }
        func complete(_ window: TimeWindow, _ read: WindowReadSummary) -> Bool {
            seen.withLock { $0.completed[window] = read }
            return true
        }
        func fail(_ window: TimeWindow, _ read: WindowReadSummary, reason: String) { Issue.record("failed: \(reason)") }
        func abandon(_ window: TimeWindow) { Issue.record("abandoned") }
    }

    @Test("every record of the window reaches the sink once, the sink hears each outcome, and a window over the row limit is split first")
    func readsIntoTheSink() async throws {
        let simulator = try await CustomersSimulator.start(SimulatorOptions(customers: 500, seed: 11, token: "t"))
        defer { Task { await simulator.stop() } }
        let transport = try AsyncHTTPClientTransport(maxConnections: 4, connectTimeout: .seconds(5), caFile: nil)
        defer { transport.shutdown() }
        let truth = try await runBlocking { () throws -> [Int64] in
            let answer = try transport.get(url: simulator.baseURL + "/__admin/truth", headers: [], timeout: .seconds(30))
            return try SimulatorTruth(jsonLines: answer.body).customers.map(\.id)
        }
        #expect(truth.count == 500)
        var configuration = APIConfiguration(baseURL: simulator.baseURL, token: "t")
        configuration.pageLimit = 50
        let cancellation = CancellationToken()
        let client = CustomersAPIClient(configuration: configuration, transport: transport, stats: RequestStats(), cancellation: cancellation)
        let sink = CollectingSink()
        let reader = WindowReader(
            client: client, limiter: RequestLimiter(limit: 4), sink: sink,
            settings: WindowReadSettings(pageLimit: 50, maxWindowRows: 300), events: WindowReadEvents(fatal: { Issue.record("\($0)") }))
        let all = TimeWindow(field: .createdAt, from: try #require(Timestamp(dateOrTimestamp: "2000-01-01")), to: try #require(Timestamp(dateOrTimestamp: "2100-01-01")))

        let summaries = try await runBlocking { reader.read(all) }

        let seen = sink.seen.withLock { $0 }
        #expect(seen.split.first == all, "500 records over a 300-row limit: the whole range is split first")
        #expect(Set(seen.ids) == Set(truth) && seen.ids.count == truth.count, "each record once: \(seen.ids.count) of \(truth.count)")
        #expect(seen.completed.count == summaries.count && summaries.count >= 2)
        #expect(summaries.reduce(0) { $0 + $1.rowsFetched } == truth.count)
        #expect(seen.opened.count == summaries.count + seen.split.count, "each window read was opened once, split or not")
    }

    @Test("a window whose first record is over the body limit: the record comes back as one rejected entry, the closing count steps past it, the window completes")
    func oversizedFirstRecord() async throws {
        var options = SimulatorOptions(customers: 300, seed: 12, token: "t")
        options.hugeRecords = 1
        options.hugeRecordBytes = 200_000
        let simulator = try await CustomersSimulator.start(options)
        defer { Task { await simulator.stop() } }
        let unbounded = try AsyncHTTPClientTransport(maxConnections: 1, connectTimeout: .seconds(5), caFile: nil)
        defer { unbounded.shutdown() }
        // The huge record's own createdAt, so that the window starts at it.
        let start = try await runBlocking { () throws -> String in
            let truth = try SimulatorTruth(jsonLines: try unbounded.get(url: simulator.baseURL + "/__admin/truth", headers: [], timeout: .seconds(30)).body)
            let huge = try #require(truth.poison.first { $0.kind == "huge-record" })
            let page = try unbounded.get(
                url: simulator.baseURL + "/v1/customers?customerIds=\(huge.id)", headers: [("Authorization", "Bearer t")], timeout: .seconds(30))
            let object = try JSONSerialization.jsonObject(with: Data(page.body)) as? [String: Any]
            return try #require(((object?["data"] as? [[String: Any]])?.first?["createdAt"]) as? String)
        }
        let transport = try AsyncHTTPClientTransport(maxConnections: 4, connectTimeout: .seconds(5), caFile: nil, maxBodyBytes: 100_000)
        defer { transport.shutdown() }
        var configuration = APIConfiguration(baseURL: simulator.baseURL, token: "t")
        configuration.pageLimit = 5
        let client = CustomersAPIClient(configuration: configuration, transport: transport, stats: RequestStats(), cancellation: CancellationToken())
        let sink = CollectingSink()
        let reader = WindowReader(
            client: client, limiter: RequestLimiter(limit: 4), sink: sink,
            settings: WindowReadSettings(pageLimit: 5), events: WindowReadEvents(fatal: { Issue.record("\($0)") }))
        let window = TimeWindow(field: .createdAt, from: try #require(Timestamp(rfc3339: start)), to: try #require(Timestamp(dateOrTimestamp: "2100-01-01")))

        let summaries = try await runBlocking { reader.read(window) }

        #expect(summaries.count == 1 && sink.seen.withLock { $0.completed.count } == 1, "the window completed (fail() records an issue)")
        #expect((summaries.first?.apiTotal ?? 0) > 5, "the window spans several pages, so its read ends with a closing count")
    }
}
