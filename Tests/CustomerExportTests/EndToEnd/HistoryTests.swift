import Foundation
import Testing
import TestSupport

/// `--history`: every version in `<table>_history`, deletions included, so a report can ask
/// what the customers looked like on any date.
@Suite("History of deletions and returns")
struct HistoryTests {
    @Test("reconcile closes a deleted customer's history row; a customer that comes back opens a new one; the README's as-of query sees both")
    func deletionsAndReturns() async throws {
        try await ExportHarness.with(configure: { $0.customers = 1200 }) { harness in
            let history = "\(harness.targetSchema).customers_history"
            let range = ["--from", "2023-01-01", "--to", "2026-01-01", "--history"]
            let backfill = try await Executables.run("customer-export", ["backfill"] + range + harness.cliFlags, environment: harness.cliEnvironment)
            #expect(backfill.status == 0, "\(backfill.stderr)")
            #expect(try await harness.scalar("SELECT count(*) FROM \(history) WHERE valid_to IS NULL") == 1200)

            let deleted = try await harness.admin("/__admin/mutate?count=5&kind=delete", method: "POST")
            let ids = ((try JSONSerialization.jsonObject(with: Data(deleted)) as? [String: Any])?["performed"] as? [[String: Any]] ?? [])
                .compactMap { ($0["id"] as? NSNumber)?.int64Value }
            #expect(ids.count == 5)
            let list = ids.map(String.init).joined(separator: ",")
            let reconcile = try await Executables.run("customer-export", ["reconcile"] + range + harness.cliFlags, environment: harness.cliEnvironment)
            #expect(reconcile.status == 0, "\(reconcile.stderr)")
            #expect(try await harness.scalar("SELECT count(*) FROM \(harness.target) WHERE deleted_at IS NOT NULL AND id IN (\(list))") == 5)
            #expect(try await harness.scalar("SELECT count(*) FROM \(history) WHERE id IN (\(list)) AND valid_to IS NULL") == 0)
            #expect(try await harness.scalar("SELECT count(*) FROM \(history) h JOIN \(harness.target) c USING (id) WHERE h.id IN (\(list)) AND h.valid_to = c.deleted_at") == 5)
            #expect(try await harness.scalar("SELECT count(*) FROM \(history) WHERE valid_to IS NULL") == 1195)

            // A deletion the source takes back: one live customer marked deleted as a reconcile
            // would; the next read of its window brings it back with a new history row.
            let back = try #require(try await harness.query("SELECT id FROM \(harness.target) WHERE deleted_at IS NULL ORDER BY id LIMIT 1").first?.first ?? nil)
            _ = try await harness.query("""
                WITH m AS (UPDATE \(harness.target) SET deleted_at = now() - interval '1 hour' WHERE id = \(back) RETURNING id, deleted_at)
                UPDATE \(history) h SET valid_to = m.deleted_at FROM m WHERE h.id = m.id AND h.valid_to IS NULL RETURNING h.id
                """)
            let again = try await Executables.run(
                "customer-export", ["backfill", "--restart"] + range + harness.cliFlags, environment: harness.cliEnvironment)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(try await harness.scalar("SELECT count(*) FROM \(harness.target) WHERE id = \(back) AND deleted_at IS NULL") == 1)
            #expect(try await harness.scalar("SELECT count(*) FROM \(history) WHERE id = \(back)") == 2)
            #expect(try await harness.scalar("SELECT count(*) FROM \(history) WHERE id = \(back) AND valid_to IS NULL AND valid_from > now() - interval '10 minutes'") == 1)

            // The README's query: what the customer looked like half an hour ago (deleted then) and now.
            let asOf = { (instant: String) in
                "SELECT count(*) FROM \(history) WHERE id = \(back) AND valid_from <= \(instant) AND (valid_to IS NULL OR valid_to > \(instant))"
            }
            #expect(try await harness.scalar(asOf("now() - interval '30 minutes'")) == 0)
            #expect(try await harness.scalar(asOf("now()")) == 1)
        }
    }
}
