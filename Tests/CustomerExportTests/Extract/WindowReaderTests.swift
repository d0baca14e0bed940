import CustomersSimulator
import Foundation
import Synchronization
import Testing
import TestSupport
@testable import CustomerExport

/// Extract stands on its own: a `WindowReader` reads from the real simulator over HTTP into any
/// `WindowSink`, here one that only collects, with no normalizer, loader or database.
@Suite("Extract: a window read into a sink it is given")
struct WindowReaderTests {
    final class CollectingSink: WindowSink {
        struct Seen {
            var opened: [TimeWindow] = []
            var ids: [Int64] = []
            var completed: [TimeWindow: WindowReadSummary] = [:]
            var split: [TimeWindow] = []
            var failures: [String] = []
        }
        let seen = Mutex(Seen())
        /// Whether a failed window is the test's expectation (collected) or a defect (an issue).
        let failuresAreExpected: Bool
        init(failuresAreExpected: Bool = false) { self.failuresAreExpected = failuresAreExpected }

        struct Receiver: PageReceiver {
            let sink: CollectingSink
            func receive(_ page: FetchedPage) -> ReadCounts? {
                let ids = page.body.records.compactMap { range -> Int64? in
                    let object = try? JSONSerialization.jsonObject(with: Data(page.body.bytes[range])) as? [String: Any]
                    return (object?["id"] as? NSNumber)?.int64Value
                }
                sink.seen.withLock { $0.ids += ids }
                var counts = ReadCounts()
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
        func fail(_ window: TimeWindow, _ read: WindowReadSummary, reason: String) {
            if failuresAreExpected { seen.withLock { $0.failures.append(reason) } } else { Issue.record("failed: \(reason)") }
        }
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
            settings: .reading(maxWindowRows: 300), events: WindowReadEvents(fatal: { Issue.record("\($0)") }))
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
            settings: WindowReadSettings(), events: WindowReadEvents(fatal: { Issue.record("\($0)") }))
        let window = TimeWindow(field: .createdAt, from: try #require(Timestamp(rfc3339: start)), to: try #require(Timestamp(dateOrTimestamp: "2100-01-01")))

        let summaries = try await runBlocking { reader.read(window) }

        #expect(summaries.count == 1 && sink.seen.withLock { $0.completed.count } == 1, "the window completed (fail() records an issue)")
        #expect((summaries.first?.apiTotal ?? 0) > 5, "the window spans several pages, so its read ends with a closing count")
    }

    /// Serves every `meta.total` one higher than the last (a window whose reads never agree), or,
    /// with `fixed`, always that total. Counts the requests it passed on.
    final class RestlessTotals: HTTPTransport {
        let inner: any HTTPTransport
        let shift = Mutex(0)
        let fixed: Int?
        init(_ inner: any HTTPTransport, fixed: Int? = nil) { (self.inner, self.fixed) = (inner, fixed) }
        var requests: Int { shift.withLock { $0 } }

        func get(url: String, headers: [(name: String, value: String)], timeout: TimeSpan) throws(TransportError) -> HTTPResult {
            var result = try inner.get(url: url, headers: headers, timeout: timeout)
            let text = String(decoding: result.body, as: UTF8.self)
            guard let marker = text.range(of: "\"total\":", options: .backwards) else { return result }
            let digits = text[marker.upperBound...].prefix { $0.isNumber }
            let step = shift.withLock { $0 += 1; return $0 }
            let shifted = fixed ?? (Int(digits) ?? 0) + step
            result.body = Array((String(text[..<marker.upperBound]) + String(shifted) + String(text[marker.upperBound...].dropFirst(digits.count))).utf8)
            return result
        }

        func shutdown() { inner.shutdown() }
    }

    @Test("a window whose reads never account for themselves is cut into parts read in one page each; every record arrives, and an instant holding more than a page fails alone with its reason")
    func cutsARestlessWindow() async throws {
        let simulator = try await CustomersSimulator.start(SimulatorOptions(customers: 300, seed: 13, token: "t"))
        defer { Task { await simulator.stop() } }
        let transport = RestlessTotals(try AsyncHTTPClientTransport(maxConnections: 4, connectTimeout: .seconds(5), caFile: nil))
        defer { transport.shutdown() }
        let truth = try await runBlocking { () throws -> SimulatorTruth in
            try SimulatorTruth(jsonLines: try transport.inner.get(url: simulator.baseURL + "/__admin/truth", headers: [], timeout: .seconds(30)).body)
        }
        // The dataset has a bulk import: many records on one instant, which no cut can divide.
        let records = "[" + truth.customers.map(\.record).joined(separator: ",") + "]"
        let rows = CustomerNormalizer().normalize(page: try PageBody(bytes: Array(records.utf8), envelope: .array)).compactMap { record -> CustomerRow? in
            if case let .row(row) = record { return row } else { return nil }
        }
        let bulk = try #require(Dictionary(grouping: rows.map(\.createdAt), by: { $0 }).mapValues(\.count).max { $0.value < $1.value })
        #expect(bulk.value >= 20, "the dataset's largest one-instant import: \(bulk.value)")
        let all = TimeWindow(field: .createdAt, from: try #require(Timestamp(dateOrTimestamp: "2000-01-01")), to: try #require(Timestamp(dateOrTimestamp: "2100-01-01")))

        func read(pageLimit: Int) async throws -> (seen: CollectingSink.Seen, cut: [TimeWindow], summaries: [WindowReadSummary]) {
            var configuration = APIConfiguration(baseURL: simulator.baseURL, token: "t")
            configuration.pageLimit = pageLimit
            let client = CustomersAPIClient(configuration: configuration, transport: transport, stats: RequestStats(), cancellation: CancellationToken())
            let sink = CollectingSink(failuresAreExpected: true)
            let cut = Mutex<[TimeWindow]>([])
            let reader = WindowReader(
                client: client, limiter: RequestLimiter(limit: 4), sink: sink, settings: .reading(maxReadAttempts: 2),
                events: WindowReadEvents(fatal: { Issue.record("\($0)") }, cutting: { window, _ in cut.withLock { $0.append(window) } }))
            let summaries = try await runBlocking { reader.read(all) }
            return (sink.seen.withLock { $0 }, cut.withLock { $0 }, summaries)
        }

        // A page larger than the bulk: every part fits in one page.
        let fits = try await read(pageLimit: bulk.value + 10)
        #expect(fits.cut == [all], "the whole window was cut once its reads disagreed twice")
        #expect(fits.seen.split.first == all && fits.seen.split.count >= 3, "cut, then cut again until one page holds a part: \(fits.seen.split.count) splits")
        #expect(fits.seen.failures.isEmpty, "\(fits.seen.failures)")
        #expect(Set(fits.seen.ids) == Set(truth.customers.map(\.id)), "every record arrived: \(Set(fits.seen.ids).count) of \(truth.customers.count)")
        #expect(fits.seen.completed.values.allSatisfy { $0.rowsFetched <= bulk.value + 10 && $0.attempts == 1 }, "each part was read in one page, once")

        // A page smaller than the bulk: its instant cannot be cut, and only that part fails, saying so.
        let tooSmall = try await read(pageLimit: bulk.value - 1)
        // The parts on either side of the instant share it (bounds are inclusive): one or two fail.
        #expect((1...2).contains(tooSmall.seen.failures.count), "\(tooSmall.seen.failures)")
        #expect(tooSmall.seen.failures.allSatisfy { $0.contains("holds more records than a page (\(bulk.value - 1))") }, "\(tooSmall.seen.failures)")
        let elsewhere = Set(rows.filter { $0.createdAt != bulk.key }.map(\.id))
        #expect(elsewhere.isSubset(of: Set(tooSmall.seen.ids)), "every record off that instant arrived")
    }

    @Test("a total of 10^12 that no split narrows is not a plan: the read holds at most twice the row limit of offsets, every record arrives, requests stay bounded")
    func absurdTotal() async throws {
        let simulator = try await CustomersSimulator.start(SimulatorOptions(customers: 300, seed: 14, token: "t"))
        defer { Task { await simulator.stop() } }
        let transport = RestlessTotals(try AsyncHTTPClientTransport(maxConnections: 4, connectTimeout: .seconds(5), caFile: nil), fixed: 1_000_000_000_000)
        defer { transport.shutdown() }
        let truth = try await runBlocking { () throws -> [Int64] in
            try SimulatorTruth(jsonLines: try transport.inner.get(url: simulator.baseURL + "/__admin/truth", headers: [], timeout: .seconds(30)).body).customers.map(\.id)
        }
        var configuration = APIConfiguration(baseURL: simulator.baseURL, token: "t")
        configuration.pageLimit = 50
        let client = CustomersAPIClient(configuration: configuration, transport: transport, stats: RequestStats(), cancellation: CancellationToken())
        let sink = CollectingSink()
        let reader = WindowReader(
            client: client, limiter: RequestLimiter(limit: 4), sink: sink, settings: .reading(maxWindowRows: 300),
            events: WindowReadEvents(fatal: { Issue.record("\($0)") }))
        let all = TimeWindow(field: .createdAt, from: try #require(Timestamp(dateOrTimestamp: "2000-01-01")), to: try #require(Timestamp(dateOrTimestamp: "2100-01-01")))

        let summaries = try await runBlocking { reader.read(all) }

        #expect(Set(sink.seen.withLock { $0.ids }) == Set(truth), "every record arrived")
        #expect(summaries.count == sink.seen.withLock { $0.completed.count } && !summaries.isEmpty, "the windows completed (a failure records an issue)")
        // Two reads of 300 records in pages of 50 (the second to confirm a total the records
        // contradict), the planned pages past the data, a split attempt: far from 10^12 / 50.
        #expect(transport.requests < 200, "\(transport.requests) requests")
    }
}


extension WindowReadSettings {
    /// The defaults with a smaller row limit or fewer reads, for windows of a test's size.
    static func reading(maxWindowRows: Int? = nil, maxReadAttempts: Int? = nil) -> Self {
        var settings = WindowReadSettings()
        if let maxWindowRows { settings.maxWindowRows = maxWindowRows }
        if let maxReadAttempts { settings.maxReadAttempts = maxReadAttempts }
        return settings
    }
}
