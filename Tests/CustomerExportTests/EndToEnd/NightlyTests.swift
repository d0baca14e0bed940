import CustomerExport
import CustomersSimulator
import Foundation
import Logging
import Synchronization
import Testing
import TestSupport

/// The nightly job: incremental `updatedAt` windows from a watermark that only moves when a run is complete.
@Suite("Nightly incremental runs", .serialized)
struct NightlyTests {
    func incremental(_ harness: ExportHarness) throws -> RunRequest {
        try harness.backfill { overrides in
            // --from and --to, set by `backfill`, are not read in an incremental run.
            overrides.mode = .incremental
            for (flag, value) in [("--start", "2023-01-01"), ("--lag", "0s"), ("--lookback", "1h"), ("--window", "30d")] {
                overrides.set(flag, value)
            }
        }
    }

    func watermark(_ harness: ExportHarness) async throws -> String? {
        try await harness.query("SELECT watermark::text FROM \(harness.stateSchema).watermarks").first?.first ?? nil
    }

    @Test("the second night fetches only what changed since the first, and the table equals the truth")
    func twoNights() async throws {
        try await ExportHarness.with(configure: { $0.customers = 3000 }) { harness in
            let first = try await harness.run(try incremental(harness))
            #expect(first.exitCode == 0, "\(first.summary)")
            #expect(try await harness.compareWithTruth(try await harness.truth()).isExact)
            let firstWatermark = try #require(try await watermark(harness))
            let firstEnd = try #require(Timestamp(rfc3339: first.rangeTo))

            _ = try await harness.admin("/__admin/mutate?count=20&kind=update", method: "POST")
            _ = try await harness.admin("/__admin/mutate?count=5&kind=create", method: "POST")
            let truth = try await harness.truth()
            let changedSince = truth.customers.filter { customer in
                Timestamp(rfc3339: customer.updatedAt).map { $0 >= firstEnd.adding(.hours(-1)) } ?? false
            }
            #expect(changedSince.count >= 25)

            let second = try await harness.run(try incremental(harness))
            #expect(second.exitCode == 0, "\(second.summary)")
            #expect(second.rows.fetched == changedSince.count, "\(second.summary)")
            #expect(second.rows.inserted == 5 && second.rows.updated == 20, "\(second.summary)")
            #expect(second.windows.planned == 1)
            #expect(try await harness.compareWithTruth(truth).isExact)
            let secondWatermark = try #require(try await watermark(harness))
            #expect(secondWatermark > firstWatermark)
        }
    }

    @Test("the watermark does not move when a window fails, and moves once a later run completes")
    func watermarkHoldsOnFailure() async throws {
        try await ExportHarness.with(configure: { $0.customers = 2000 }) { harness in
            #expect(try await harness.run(try incremental(harness)).exitCode == 0)
            let before = try #require(try await watermark(harness))
            _ = try await harness.admin("/__admin/mutate?count=10&kind=update", method: "POST")

            // Every request after the preflight fails: the run's window cannot be read.
            var request = try incremental(harness)
            request.api.retry = RetryPolicy(maxAttempts: 2, baseDelay: TimeSpan(nanoseconds: 1_000_000))
            var pipeline = ExportPipeline(request: request, cancellation: CancellationToken(), logger: Logger(label: "nightly"))
            pipeline.transport = FailingAfterFirstTransport(try AsyncHTTPClientTransport(maxConnections: 2, connectTimeout: .seconds(5), caFile: nil))
            let failing = pipeline
            let failed = try await runBlocking { try failing.run() }
            #expect(failed.exitCode == 1, "\(failed.summary)")
            #expect(failed.windows.failed == 1)
            #expect(try await watermark(harness) == before)

            let recovered = try await harness.run(try incremental(harness))
            #expect(recovered.exitCode == 0, "\(recovered.summary)")
            #expect(try #require(try await watermark(harness)) > before)
            #expect(try await harness.compareWithTruth(try await harness.truth()).isExact)
        }
    }

    @Test("a first run with no watermark and no start date says what to set")
    func noStart() async throws {
        try await ExportHarness.with { harness in
            var request = try incremental(harness)
            request.start = nil
            do {
                _ = try await harness.run(request)
                Issue.record("ran without a start")
            } catch let error as ExportError {
                #expect(error.exitCode == 2)
                #expect(error.message.contains("set `start:`"))
            }
        }
    }

    @Test("history keeps every version seen, each closed by the next")
    func history() async throws {
        try await ExportHarness.with(configure: { $0.customers = 1500 }) { harness in
            var request = try harness.backfill()
            request.target = try TargetTable(schema: harness.targetSchema, table: "customers", history: true)
            #expect(try await harness.run(request).exitCode == 0)
            _ = try await harness.admin("/__admin/mutate?count=12&kind=update", method: "POST")
            request.restart = true
            let second = try await harness.run(request)
            #expect(second.rows.updated == 12, "\(second.summary)")
            let history = "\(harness.targetSchema).customers_history"
            #expect(try await harness.scalar("SELECT count(*) FROM \(history)") == 1500 + 12)
            #expect(try await harness.scalar("SELECT count(*) FROM \(history) WHERE valid_to IS NOT NULL") == 12)
            #expect(try await harness.scalar("""
                SELECT count(*) FROM \(history) old JOIN \(history) new ON new.id = old.id AND new.valid_from = old.valid_to
                """) == 12)
            #expect(try await harness.scalar("""
                SELECT count(*) FROM \(history) h JOIN \(harness.target) c USING (id) WHERE h.valid_to IS NULL AND h.updated_at <> c.updated_at
                """) == 0)
        }
    }

    @Test("the CLI writes a JSON report, a Prometheus metrics file and a progress line")
    func reportMetricsProgress() async throws {
        try await ExportHarness.with(configure: { $0.customers = 1000; $0.poison = 7 }) { harness in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let report = directory.appendingPathComponent("run.json").path
            let metrics = directory.appendingPathComponent("customer_export.prom").path
            let outcome = try await Executables.run(
                "customer-export",
                ["backfill", "--from", "2023-01-01", "--to", "2026-01-01", "--report", report, "--metrics-file", metrics, "--progress"] + harness.cliFlags + ExportHarness.dayWindows,
                environment: harness.cliEnvironment)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("windows 1096/1096 · rows "), "\(outcome.stderr)")
            #expect(outcome.stderr.contains("rows/s · retries 0 · ETA"))
            #expect(outcome.stderr.contains("customer-export backfill backfill: done (exit 0)"))

            let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
            #expect(json["status"] as? String == "done")
            #expect(json["exitCode"] as? Int == 0)
            #expect(json["runId"] as? Int != nil)
            let rows = try #require(json["rows"] as? [String: Any])
            #expect(rows["inserted"] as? Int == 1001)
            #expect(rows["quarantined"] as? Int == 5)
            #expect((json["requests"] as? [String: Any])?["byStatus"] != nil)

            let text = try String(contentsOfFile: metrics, encoding: .utf8)
            #expect(text.contains(#"customer_export_rows_total{pipeline="backfill",outcome="inserted"} 1001"#), "\(text)")
            #expect(text.contains(#"customer_export_run_exit_code{pipeline="backfill",mode="backfill"} 0"#), "\(text)")
            #expect(!text.contains(harness.token) && !outcome.stderr.contains(harness.token))
            #expect(!text.contains("export-secret") && !outcome.stderr.contains("export-secret"))
        }
    }

    @Test("plan prints each window's total and writes nothing")
    func plan() async throws {
        try await ExportHarness.with(configure: { $0.customers = 500 }) { harness in
            let outcome = try await Executables.run(
                "customer-export", ["backfill", "--from", "2024-01-01", "--to", "2024-04-01", "--window", "30d", "--dry-run"] + harness.cliFlags,
                environment: harness.cliEnvironment)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(outcome.stdout.contains("4 windows"), "\(outcome.stdout)")
            #expect(outcome.stdout.contains("estimate:"))
            #expect(try await harness.scalar("SELECT count(*) FROM pg_namespace WHERE nspname IN ('\(harness.stateSchema)', '\(harness.targetSchema)')") == 0)
        }
    }
}

/// Answers the first request (the preflight) and fails every later one with a 503.
final class FailingAfterFirstTransport: HTTPTransport {
    private let inner: any HTTPTransport
    private let first = Synchronization.Mutex(true)

    init(_ inner: any HTTPTransport) { self.inner = inner }

    func get(url: String, headers: [(name: String, value: String)], timeout: TimeSpan) throws(TransportError) -> HTTPResult {
        let isFirst = first.withLock { value in defer { value = false }; return value }
        guard isFirst else { return HTTPResult(status: 503, headers: [], body: Array("unavailable".utf8)) }
        return try inner.get(url: url, headers: headers, timeout: timeout)
    }

    func shutdown() { inner.shutdown() }
}
