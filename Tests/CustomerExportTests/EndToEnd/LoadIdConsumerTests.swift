import CustomersSimulator
import Foundation
import Synchronization
import Testing
import TestSupport
@testable import CustomerExport

/// Downstream jobs take what each load changed: every row the export writes or marks deleted
/// carries `load_id`, and `<state>.loads` lists the loads whose transactions committed.
@Suite("Load ids for downstream jobs", .serialized)
struct LoadIdConsumerTests {
    /// The consumer of docs/operations.md: the loads it has not processed, their rows, then
    /// those loads recorded as processed. Its mirror is what it believes the table holds.
    final class Consumer: Sendable {
        struct State {
            var processed: Set<Int64> = []
            var mirror: [Int64: String] = [:]
            var deliveries: [String: Int] = [:]
        }
        let state = Mutex(State())

        func poll(_ harness: ExportHarness) async throws {
            let loads = try await harness.query("SELECT load_id FROM \(harness.stateSchema).loads ORDER BY load_id").compactMap { $0[0].flatMap { Int64($0) } }
            let new = state.withLock { state in loads.filter { !state.processed.contains($0) } }
            for load in new {
                let rows = try await harness.query(
                    "SELECT id, updated_at::text || CASE WHEN deleted_at IS NULL THEN '' ELSE ' deleted' END FROM \(harness.target) WHERE load_id = \(load)")
                state.withLock { state in
                    for row in rows {
                        guard let id = row[0].flatMap({ Int64($0) }), let version = row[1] else { continue }
                        state.mirror[id] = version
                        state.deliveries["\(load)/\(id)", default: 0] += 1
                    }
                    state.processed.insert(load)
                }
            }
        }
    }

    final class StopFlag: Sendable {
        private let flag = Mutex(false)
        var isSet: Bool { flag.withLock { $0 } }
        func set() { flag.withLock { $0 = true } }
    }

    func incremental(_ harness: ExportHarness) throws -> RunRequest {
        try harness.backfill { overrides in
            overrides.mode = .incremental
            for (flag, value) in [("--start", "2023-01-01"), ("--lag", "0s"), ("--lookback", "1h"), ("--window-rows", "300")] { overrides.set(flag, value) }
        }
    }

    @Test("a consumer beside nightly runs and a reconcile over live data sees every change exactly once, deletions included")
    func consumerSeesEveryChangeOnce() async throws {
        try await ExportHarness.with(configure: { $0.customers = 3000; $0.latencyMilliseconds = 5 }) { harness in
            // The owner migrates first, so the loads view is there before the consumer's first look.
            _ = try AdminOperations.migrate(
                databaseURL: harness.databaseURL, target: try TargetTable(schema: harness.targetSchema, table: "customers"),
                state: try StateSchema(harness.stateSchema))
            let consumer = Consumer()
            let stop = StopFlag()
            let polling = Task {
                while !stop.isSet {
                    try await consumer.poll(harness)
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            // Live data: the source keeps changing while every run reads it (about 3 changes a
            // second, each kind in turn), and more between the runs.
            let mutating = Task {
                var turn = 0
                while !stop.isSet {
                    let kind = ["update", "create", "delete"][turn % 3]
                    turn += 1
                    _ = try await harness.admin("/__admin/mutate?count=1&kind=\(kind)", method: "POST")
                    try await Task.sleep(for: .milliseconds(300))
                }
            }
            let small = { (overrides: inout RunOverrides) in overrides.set("--window-rows", 300) }
            let reconcile = try harness.backfill(to: "2099-01-01") { small(&$0); $0.mode = .reconcile }
            for request in [try harness.backfill(small), try incremental(harness), try incremental(harness), reconcile] {
                // A window that kept changing while it was read fails the run (exit 1) and is
                // read by the next one, as a nightly job would the next night.
                var report = try await harness.run(request)
                if report.exitCode == 1 { report = try await harness.run(request) }
                #expect(report.exitCode == 0, "\(request.mode): \(report.status) \(report.message ?? "")")
                for (kind, count) in [("update", 20), ("create", 5), ("delete", 10)] {
                    _ = try await harness.admin("/__admin/mutate?count=\(count)&kind=\(kind)", method: "POST")
                }
            }
            stop.set()
            try await mutating.value
            try await polling.value
            try await consumer.poll(harness)

            let table = try await harness.query(
                "SELECT id, updated_at::text || CASE WHEN deleted_at IS NULL THEN '' ELSE ' deleted' END, load_id FROM \(harness.target)")
            let seen = consumer.state.withLock { $0 }
            #expect(table.allSatisfy { $0[2] != nil }, "every row carries the load that wrote it")
            var differing: [String] = []
            for row in table {
                guard let id = row[0].flatMap({ Int64($0) }) else { continue }
                if seen.mirror[id] != row[1] { differing.append("\(id): table \(row[1] ?? "nil"), consumer \(seen.mirror[id] ?? "never seen")") }
            }
            #expect(differing.isEmpty, "the consumer's view differs from the table for \(differing.count) rows: \(differing.prefix(5))")
            #expect(seen.mirror.count == table.count)
            #expect(seen.deliveries.values.allSatisfy { $0 == 1 }, "no row delivered twice for the same load")
            let deleted = seen.mirror.values.filter { $0.hasSuffix("deleted") }.count
            #expect(deleted > 0, "the reconcile's deletions reached the consumer")
            let loads = try await harness.scalar("SELECT count(*) FROM \(harness.stateSchema).loads")
            #expect(seen.processed.count == loads)
            // The loads view says what each committed window changed; its counts add up to the runs'.
            let marked = try await harness.scalar("SELECT coalesce(sum(rows_deleted), 0) FROM \(harness.stateSchema).loads WHERE mode = 'reconcile'")
            #expect(marked == deleted)
        }
    }
}
