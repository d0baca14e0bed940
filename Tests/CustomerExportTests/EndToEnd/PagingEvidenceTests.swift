import CustomerExport
import CustomersSimulator
import Foundation
import Logging
import Testing
import TestSupport

extension ProductionScenarios {
    /// Servers that bend offset paging without saying so (#26): a run exits 0 only when every
    /// window's records account for the API's own numbers, and the report names what the API
    /// got wrong. Each server is a `customers-sim` flag; the table is compared with its truth.
    @Suite("Paging evidence: a window is done only when its records account for it")
    struct PagingEvidenceTests {
        static let range = ["--from", "2023-01-01", "--to", "2026-01-01"]

        struct Run {
            var outcome: Executables.Outcome
            var report: RunReport
            var requests: Int
        }

        /// A backfill of `range` with a report file, and the requests the simulator answered.
        func backfill(_ harness: ExportHarness, _ range: [String] = range, _ extra: [String] = []) async throws -> Run {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("paging-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: file) }
            let outcome = try await Executables.run(
                "customer-export", ["backfill"] + range + harness.cliFlags + ["--report", file.path] + extra, environment: harness.cliEnvironment)
            let report = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: file))
            return Run(outcome: outcome, report: report, requests: try await requests(harness))
        }

        func requests(_ harness: ExportHarness) async throws -> Int {
            let stats = try #require(try JSONSerialization.jsonObject(with: Data(try await harness.admin("/__admin/stats"))) as? [String: Any])
            return (stats["requests"] as? [String: Int] ?? [:]).values.reduce(0, +)
        }

        /// Every record fetched is loaded, quarantined, a duplicate or stale, outside its window, or
        /// in a window that did not commit.
        func addsUp(_ report: RunReport) -> Bool {
            let rows = report.rows
            return rows.fetched == rows.inserted + rows.updated + rows.unchanged + rows.quarantined + rows.duplicates + rows.stale + rows.outsideRange
                + rows.notCommitted
        }

        /// Requests of an honest server with the same data, for the closing note's comparison.
        func honestRequests(
            customers: Int, _ range: [String] = range, envelope: SimulatorOptions.Envelope = .dataMeta, _ extra: [String] = []
        ) async throws -> Int {
            var requests = 0
            try await ExportHarness.with(configure: { $0.customers = customers; $0.envelope = envelope }) { harness in
                let run = try await backfill(harness, range, extra)
                #expect(run.outcome.status == 0)
                requests = run.requests
            }
            return requests
        }

        @Test("a server that caps the page size silently (meta.limit 50 where 200 were asked): exit 0, the table equals the truth, the cap is named, pages are read at 50")
        func silentPageCap() async throws {
            let honest = try await honestRequests(customers: 6000)
            try await ExportHarness.with(configure: { $0.customers = 6000; $0.pageCap = 50 }) { harness in
                let run = try await backfill(harness)
                #expect(run.outcome.status == 0, "\(run.outcome.stderr.suffix(2000))")
                let comparison = try await harness.compareWithTruth(try await harness.truth())
                #expect(comparison.isExact, "\(comparison)")
                #expect(run.report.rows.inserted == 6000 && addsUp(run.report), "\(run.report.rows)")
                #expect(run.report.apiFindings.contains { $0.contains("serves at most 50 records per page where 200 were asked") }, "\(run.report.apiFindings)")
                // 6000 records at 50 a page are 120 pages; the cap is learned once, not per window.
                #expect(run.requests < honest + 6000 / 50 + 20, "\(run.requests) requests, honest \(honest)")
                print("page cap 50: exit \(run.outcome.status), \(run.report.rows.inserted) of 6000 rows, \(run.requests) requests (honest server: \(honest)); \(run.report.apiFindings)")
            }
        }

        @Test("a page cap without any meta (bare arrays): every window is read past its short pages to an empty page; exit 0, the table equals the truth")
        func silentPageCapWithoutMeta() async throws {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("paging-\(UUID().uuidString).yaml")
            try "pipeline: backfill\napi:\n  envelope: array\n".write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            // Windows of 30 days hold about 80 records each, twice the cap.
            let flags = ["--pipeline", file.path, "--window", "30d"]
            let honest = try await honestRequests(customers: 3000, envelope: .array, flags)
            try await ExportHarness.with(configure: { $0.customers = 3000; $0.pageCap = 40; $0.envelope = .array }) { harness in
                let run = try await backfill(harness, Self.range, flags)
                #expect(run.outcome.status == 0, "\(run.outcome.stderr.suffix(2000))")
                let comparison = try await harness.compareWithTruth(try await harness.truth())
                #expect(comparison.isExact, "\(comparison)")
                #expect(addsUp(run.report), "\(run.report.rows)")
                #expect(run.report.apiFindings.contains { $0.contains("a page-size cap the API does not state") }, "\(run.report.apiFindings)")
                print("page cap 40, bare arrays: exit \(run.outcome.status), \(run.report.rows.inserted) of 3000 rows, \(run.requests) requests (honest server: \(honest)); \(run.report.apiFindings)")
            }
        }

        @Test("a server that ignores createdAtFrom/createdAtTo: a backfill of 2024 loads exactly 2024's customers, nothing outside, and names the ignored filters")
        func ignoredDateFilters() async throws {
            let year = ["--from", "2024-01-01", "--to", "2025-01-01"]
            let honest = try await honestRequests(customers: 6000, year)
            try await ExportHarness.with(configure: { $0.customers = 6000; $0.ignoresDateFilters = true }) { harness in
                let run = try await backfill(harness, year)
                #expect(run.outcome.status == 0, "\(run.outcome.stderr.suffix(2000))")
                let truth = try await harness.truth()
                let start = try #require(Timestamp(dateOrTimestamp: "2024-01-01")), end = try #require(Timestamp(dateOrTimestamp: "2025-01-01"))
                let records = "[" + truth.customers.map(\.record).joined(separator: ",") + "]"
                let inYear = CustomerNormalizer().normalize(page: try PageBody(bytes: Array(records.utf8), envelope: .array)).compactMap { record -> Int64? in
                    guard case let .row(row) = record, row.createdAt >= start, row.createdAt < end else { return nil }
                    return row.id
                }
                #expect(inYear.count > 1000 && inYear.count < 5000, "the year holds part of the data: \(inYear.count)")
                let outside = try await harness.scalar("SELECT count(*) FROM \(harness.target) WHERE created_at < '2024-01-01' OR created_at >= '2025-01-01'")
                #expect(outside == 0, "\(outside) rows outside 2024 were loaded")
                let loaded = try await harness.query("SELECT id FROM \(harness.target)").compactMap { $0[0].flatMap { Int64($0) } }
                #expect(Set(loaded) == Set(inYear) && loaded.count == inYear.count, "\(loaded.count) rows loaded, \(inYear.count) in 2024")
                #expect(run.report.apiFindings.contains { $0.hasPrefix("createdAtFrom is ignored:") }, "\(run.report.apiFindings)")
                #expect(run.report.apiFindings.contains { $0.hasPrefix("createdAtTo is ignored:") }, "\(run.report.apiFindings)")
                #expect(addsUp(run.report), "\(run.report.rows)")
                print("ignored date filters: exit \(run.outcome.status), \(loaded.count) of \(inYear.count) rows, \(run.requests) requests (honest server: \(honest)); \(run.report.apiFindings)")
            }
        }

        @Test("a meta.total of -1 is ignored as evidence, reported once, and the records are read: exit 0, the table equals the truth")
        func impossibleTotal() async throws {
            let honest = try await honestRequests(customers: 3000)
            try await ExportHarness.with(configure: { $0.customers = 3000; $0.impossibleTotal = true }) { harness in
                let run = try await backfill(harness)
                #expect(run.outcome.status == 0, "\(run.outcome.stderr.suffix(2000))")
                let comparison = try await harness.compareWithTruth(try await harness.truth())
                #expect(comparison.isExact, "\(comparison)")
                #expect(run.report.apiFindings.contains { $0.contains("meta.total is -1, which no count can be") }, "\(run.report.apiFindings)")
                #expect(addsUp(run.report), "\(run.report.rows)")
                print("impossible total: exit \(run.outcome.status), \(run.report.rows.inserted) of 3000 rows, \(run.requests) requests (honest server: \(honest)); \(run.report.apiFindings)")
            }
        }

        @Test("on a complete table, a reconcile and verify --repair through a capping server mark no row deleted, and verify finds the table equal")
        func reconcileThroughACap() async throws {
            try await ExportHarness.with(configure: { $0.customers = 4000; $0.pageCap = 50 }) { harness in
                #expect(try await backfill(harness).outcome.status == 0)
                let reconcile = try await Executables.run("customer-export", ["reconcile"] + Self.range + harness.cliFlags, environment: harness.cliEnvironment)
                #expect(reconcile.status == 0, "\(reconcile.stderr.suffix(2000))")
                #expect(try await harness.scalar("SELECT count(*) FROM \(harness.target) WHERE deleted_at IS NOT NULL") == 0)
                let verify = try await Executables.run(
                    "customer-export", ["verify"] + Self.range + harness.cliFlags + ["--repair", "--sample", "100%"], environment: harness.cliEnvironment)
                #expect(verify.status == 0, "\(verify.stderr.suffix(2000))")
                #expect((verify.stdout + verify.stderr).contains("0 missing, 0 extra, 0 stale"), "\(verify.stdout.suffix(2000))")
                #expect(verify.stdout.contains("  api: the API serves at most 50 records per page"), "verify names the cap in its report: \(verify.stdout.suffix(2000))")
                #expect(try await harness.scalar("SELECT count(*) FROM \(harness.target) WHERE deleted_at IS NOT NULL") == 0)
                #expect(try await harness.compareWithTruth(try await harness.truth()).isExact)
            }
        }
    }
}

extension ProductionScenarios.PagingEvidenceTests {
    @Test("verify through an API whose paging cannot be read names the records its reads could not account for, and exits 7 instead of reporting them missing or equal")
    func verifyNamesWhatItCannotAccountFor() async throws {
        try await ExportHarness.with(configure: { $0.customers = 1500; $0.ignoresOffset = true }) { harness in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("paging-\(UUID().uuidString).yaml")
            try "pipeline: backfill\napi:\n  pageSize: 50\n".write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            // The backfill fails its windows (offset ignored) but creates the table.
            _ = try await Executables.run("customer-export", ["backfill"] + Self.range + harness.cliFlags + ["--pipeline", file.path], environment: harness.cliEnvironment)
            let verify = try await Executables.run(
                "customer-export", ["verify"] + Self.range + harness.cliFlags + ["--pipeline", file.path, "--repair"], environment: harness.cliEnvironment)
            let output = verify.stdout + verify.stderr
            #expect(verify.status == 7, "\(output.suffix(2000))")
            #expect(output.contains("the reads could not account for"), "\(output.suffix(2000))")
            #expect(try await harness.scalar("SELECT count(*) FROM \(harness.target) WHERE deleted_at IS NOT NULL") == 0)
        }
    }
}

extension ProductionScenarios.PagingEvidenceTests {
    @Test("quarantine retry through a server that caps pages at 3 reads every id it asked for, not the first page of them")
    func quarantineRetryThroughACap() async throws {
        try await ExportHarness.with(configure: { $0.customers = 600; $0.poison = 14; $0.pageCap = 3 }) { harness in
            let backfill = try await Executables.run(
                "customer-export", ["backfill"] + Self.range + harness.cliFlags + ExportHarness.dayWindows, environment: harness.cliEnvironment)
            #expect(backfill.status == 0, "\(backfill.stderr.suffix(2000))")
            _ = try await harness.admin("/__admin/heal", method: "POST")
            let retry = try await Executables.run(
                "customer-export", ["quarantine", "retry", "--database-url", harness.databaseURL, "--state-schema", harness.stateSchema],
                environment: harness.cliEnvironment)
            #expect(retry.status == 0, "\(retry.stdout)\(retry.stderr.suffix(2000))")
            // Every healed record with an id merges; only the two that never had an id to ask for are missing.
            let comparison = try await harness.compareWithTruth(try await harness.truth())
            #expect(comparison.missing == 2 && comparison.extra == 0 && comparison.wrongVersion == 0, "\(comparison)")
        }
    }
}

extension ProductionScenarios.PagingEvidenceTests {
    @Test("a run whose windows never account for themselves (a total that changes on every request) cuts them into one-page parts: the loader drops what the windows staged, exit 0, the table equals the truth")
    func cutWindowsLoadExactly() async throws {
        try await ExportHarness.with(configure: { $0.customers = 3000; $0.maxLimit = 1000 }) { harness in
            // Windows of a year hold about 1,000 records, pages of 600 hold the dataset's bulk
            // import (50 to 500 records on one instant), so every cut part fits in one page.
            let request = try harness.backfill { overrides in
                overrides.set("--window", "365d")
                overrides.set("--page-size", "600")
            }
            var pipeline = ExportPipeline(request: request, cancellation: CancellationToken(), logger: Logger(label: "cut"))
            pipeline.transport = WindowReaderTests.RestlessTotals(try AsyncHTTPClientTransport(maxConnections: 8, connectTimeout: .seconds(5), caFile: nil))
            let configured = pipeline
            let report = try await runBlocking { try configured.run() }
            #expect(report.exitCode == 0, "\(report.summary)")
            #expect(report.windows.split > 0 && report.windows.rereadForDrift > 0, "windows were read again, then cut: \(report.summary)")
            #expect(addsUp(report), "\(report.rows)")
            let comparison = try await harness.compareWithTruth(try await harness.truth())
            #expect(comparison.isExact, "\(comparison)")
        }
    }
}
