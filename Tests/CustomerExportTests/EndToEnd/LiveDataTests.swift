import CustomerExport
import CustomersSimulator
import Foundation
import Logging
import Testing
import TestSupport

/// Offset pagination over live data, and deletions, which the API does not announce.
@Suite("Live data end to end", .serialized)
struct LiveDataTests {
    static let deletions = "/__admin/mutate?count=40&kind=delete"

    @Test("naive offset paging skips live records when others are deleted mid-read; the pipeline re-reads and misses none")
    func driftIsRepaired() async throws {
        // Naive: page through one window sequentially; 40 customers are deleted after the first page.
        let naive = try await ExportHarness.start { $0.customers = 3000 }
        let transport = try AsyncHTTPClientTransport(maxConnections: 1, connectTimeout: .seconds(5), caFile: nil)
        let baseURL = naive.simulator.baseURL
        let client = CustomersAPIClient(
            configuration: APIConfiguration(baseURL: baseURL, token: naive.token), transport: transport,
            stats: RequestStats(), cancellation: CancellationToken())
        let window = TimeWindow(field: .createdAt, from: Timestamp(dateOrTimestamp: "2023-01-01")!, to: Timestamp(dateOrTimestamp: "2026-01-01")!)
        let naiveIds = try await runBlocking {
            var ids = Set<Int64>()
            var offset = 0
            while true {
                let page = try client.fetch(PageRequest(window: window, offset: offset, limit: 100))
                if offset == 0 { postAdmin(baseURL + LiveDataTests.deletions) }
                for record in page.body.records {
                    let json = try JSONSerialization.jsonObject(with: Data(page.body.bytes[record])) as? [String: Any]
                    if let id = (json?["id"] as? NSNumber)?.int64Value { ids.insert(id) }
                }
                if page.body.records.count < 100 { return ids }
                offset += 100
            }
        }
        transport.shutdown()
        let naiveTruth = try await naive.truth()
        let skipped = naiveTruth.customers.filter { !naiveIds.contains($0.id) }
        #expect(skipped.count > 0, "naive paging should have skipped live customers")
        await naive.cleanup()

        // The pipeline, same seed, same deletion at the same moment (before its second request).
        try await ExportHarness.with(configure: { $0.customers = 3000 }) { harness in
            let url = harness.simulator.baseURL + Self.deletions
            var pipeline = ExportPipeline(
                request: try harness.backfill { $0.set("--window", "3650d"); $0.set("--page-size", 100); $0.set("--concurrency", 1); $0.set("--max-window-rows", 100_000) },
                cancellation: CancellationToken(), logger: Logger(label: "drift"))
            // Request 1 is the preflight, 2 the first page (an explicit --window plans by the
            // calendar, without counting): delete right after it, before page two.
            pipeline.transport = InterceptingTransport(
                try AsyncHTTPClientTransport(maxConnections: 1, connectTimeout: .seconds(5), caFile: nil), before: 3) { postAdmin(url) }
            let configured = pipeline
            let report = try await runBlocking { try configured.run() }
            #expect(report.exitCode == 0, "\(report.summary)")
            #expect(report.windows.rereadForDrift >= 1)
            let comparison = try await harness.compareWithTruth(try await harness.truth())
            #expect(comparison.missing == 0 && comparison.wrongVersion == 0 && comparison.wrongRaw == 0, "\(comparison)")
            // Deleted customers read before they went stay (a backfill does not delete; reconcile marks them).
            #expect(comparison.extra <= 40, "\(comparison)")
        }
    }

    @Test("windows sized by rows (the default) are still checked for drift as a whole: deletions between two pages of a window are caught and repaired")
    func rowSizedWindowsAreCheckedForDrift() async throws {
        try await ExportHarness.with(configure: { $0.customers = 3000 }) { harness in
            let url = harness.simulator.baseURL + Self.deletions
            var pipeline = ExportPipeline(
                request: try harness.backfill { $0.set("--window-rows", 1000); $0.set("--page-size", 100); $0.set("--concurrency", 1) },
                cancellation: CancellationToken(), logger: Logger(label: "drift"))
            // The planner's requests are limit=1; the deletion goes right before the first
            // window's second page, after the planner has cut the windows by rank.
            pipeline.transport = InterceptingTransport(
                try AsyncHTTPClientTransport(maxConnections: 1, connectTimeout: .seconds(5), caFile: nil),
                beforeFirst: { $0.contains("limit=100&offset=100&") }) { postAdmin(url) }
            let configured = pipeline
            let report = try await runBlocking { try configured.run() }
            #expect(report.exitCode == 0, "\(report.summary)")
            #expect(report.windows.planned > 4 && report.windows.planned < 20, "windows of about 1,000 rows: \(report.windows.planned)")
            #expect(report.windows.rereadForDrift >= 1)
            let comparison = try await harness.compareWithTruth(try await harness.truth())
            #expect(comparison.missing == 0 && comparison.wrongVersion == 0 && comparison.wrongRaw == 0, "\(comparison)")
            #expect(comparison.extra <= 40, "\(comparison)")
        }
    }

    @Test("reconcile marks customers the API no longer returns, and clears the mark when one is back")
    func reconcile() async throws {
        try await ExportHarness.with(configure: { $0.customers = 3000; $0.poison = 7 }) { harness in
            #expect(try await harness.run(try harness.backfill()).exitCode == 0)
            _ = try await harness.admin(Self.deletions, method: "POST")
            let truth = try await harness.truth()
            #expect(truth.deleted.count == 40)
            let alive = try #require(truth.customers.first?.id)
            _ = try await harness.query("UPDATE \(harness.target) SET deleted_at = now() WHERE id = \(alive) RETURNING id")

            let report = try await harness.run(try harness.backfill { $0.mode = .reconcile })
            #expect(report.exitCode == 0, "\(report.summary)")
            #expect(report.rows.markedDeleted == 40)
            let marked = try await harness.query("SELECT id FROM \(harness.target) WHERE deleted_at IS NOT NULL ORDER BY id").compactMap { $0[0].flatMap { Int64($0) } }
            #expect(marked == truth.deleted.sorted())
            #expect(try await harness.compareWithTruth(truth).isExact)
            // A second reconcile finds nothing new to mark.
            let again = try await harness.run(try harness.backfill { $0.mode = .reconcile })
            #expect(again.exitCode == 0 && again.rows.markedDeleted == 0)
        }
    }
}
