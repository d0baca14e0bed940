import CustomersSimulator
import Foundation
import Testing

/// Live data: mutations happen, show in the API and the truth, stop when frozen, and reset.
@Suite struct MutationTests {
    static let options = SimulatorOptions(customers: 300, seed: 13)

    func now() -> Nanoseconds {
        Nanoseconds(value: Int64((Date().timeIntervalSince1970 * 1e6).rounded()) * 1000)
    }

    @Test func createdCustomersGetFreshLargerIDsAndNowTimestamps() async throws {
        try await withSimulator(Self.options) { client async throws in
            let before = try await client.truth()
            let largest = (before.customers.map(\.id) + before.poison.map(\.id)).max() ?? 0
            // "Now" is spelled with 0 to 9 fractional digits, so it may be cut by up to a second.
            let started = Nanoseconds(value: now().value - 1_000_000_000)
            let created = try await client.mutate(count: 3, kind: "create")
            let finished = Nanoseconds(value: now().value + 1_000_000)
            #expect(created.count == 3 && created.allSatisfy { $0.kind == "create" })
            let after = try await client.truth()
            for (_, id) in created {
                #expect(id > largest)
                let customer = try #require(after.customer(id))
                #expect(customer.createdAt == customer.updatedAt)
                #expect(customer.createdAt >= started && customer.createdAt <= finished)
                let served = try #require(try await client.customers("customerIds=\(id)").records.first)
                #expect(Nanoseconds(rfc3339: served["createdAt"] as? String) == customer.createdAt)
            }
            #expect(after.customers.count == before.customers.count + 3)
        }
    }

    @Test func anUpdateMovesUpdatedAtToNowAndToTheTopOfTheUpdatedOrder() async throws {
        try await withSimulator(Self.options) { client async throws in
            let before = try await client.truth()
            let updated = try #require(try await client.mutate(count: 1, kind: "update").first)
            let after = try await client.truth()
            let old = try #require(before.customer(updated.id))
            let new = try #require(after.customer(updated.id))
            #expect(new.updatedAt > old.updatedAt)
            #expect(new.createdAt == old.createdAt)
            let top = try #require(try await client.customers("sortBy=updatedAt&limit=1").records.first)
            #expect(id(top) == updated.id)
            #expect(Nanoseconds(rfc3339: top["updatedAt"] as? String) == new.updatedAt)
        }
    }

    /// Stamps have 0 to 9 fractional digits, so "now" cut to a stamp's precision is often not
    /// past a stamp given a moment ago; an update must still move `updatedAt`, or an exporter
    /// that already read past the old instant never sees it.
    @Test func rapidUpdatesOfOneCustomerEachMoveUpdatedAtForward() async throws {
        try await withSimulator(SimulatorOptions(customers: 3, seed: 13)) { client async throws in
            var latest = Dictionary(uniqueKeysWithValues: try await client.truth().customers.map { ($0.id, $0.updatedAt) })
            for _ in 0..<40 {
                let updated = try #require(try await client.mutate(count: 1, kind: "update").first)
                let stamp = try #require(try await client.truth().customer(updated.id)).updatedAt
                if let previous = latest[updated.id] { #expect(stamp > previous, "customer \(updated.id)") }
                latest[updated.id] = stamp
            }
        }
    }

    @Test func aDeleteRemovesTheCustomerAndIsListedInTheTruth() async throws {
        try await withSimulator(Self.options) { client async throws in
            let deleted = try #require(try await client.mutate(count: 1, kind: "delete").first)
            let truth = try await client.truth()
            #expect(truth.deleted == [deleted.id])
            #expect(truth.customer(deleted.id) == nil)
            let page = try await client.customers("customerIds=\(deleted.id)")
            #expect(page.records.isEmpty)
            #expect(try await client.customers("limit=1").total == 299)
        }
    }

    @Test func backgroundMutationsRunFreezeAndThaw() async throws {
        try await withSimulator(SimulatorOptions(customers: 300, seed: 13, mutateRPS: 200)) { client async throws in
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await mutationCount(client) > 20)

            #expect(try await client.post("/__admin/freeze").status == 200)
            let frozen = try await mutationCount(client)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await mutationCount(client) == frozen)
            // Updates, not random kinds: on a starved machine the loop can run for a minute at
            // 200 a second before the freeze, deleting every deletable customer, and a delete
            // with nothing left to delete is rightly no mutation (CI, 2026-12-02).
            let forced = try await client.mutate(count: 2, kind: "update")
            #expect(forced.count == 2, "explicit mutations still run while frozen: \(forced)")

            #expect(try await client.post("/__admin/thaw").status == 200)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await mutationCount(client) > frozen + 20)
            let truth = try await client.truth()
            #expect(truth.customers.count != 300 || !truth.deleted.isEmpty)
        }
    }

    @Test func resetRestoresTheSeededDatasetAndZeroesTheStatistics() async throws {
        try await withSimulator(Self.options) { client async throws in
            let initial = try await client.get("/__admin/truth", token: .some(nil)).body
            _ = try await client.mutate(count: 40)
            _ = try await client.customers("limit=3")
            #expect(try await client.get("/__admin/truth", token: .some(nil)).body != initial)
            #expect(try await client.post("/__admin/reset").status == 200)
            #expect(try await client.get("/__admin/truth", token: .some(nil)).body == initial)
            #expect(try await mutationCount(client) == 0)
            #expect((try await client.stats()["requests"] as? [String: Int])?.isEmpty == true)
            // The mutation sequence starts over too.
            let first = try await client.mutate(count: 5)
            _ = try await client.post("/__admin/reset")
            #expect(try await client.mutate(count: 5).map(\.id) == first.map(\.id))
        }
    }

    @Test func statisticsCountPagesBytesAndMutations() async throws {
        try await withSimulator(Self.options) { client async throws in
            var bytes = 0
            for offset in [0, 10, 20] { bytes += try await client.get("/v1/customers?limit=10&offset=\(offset)").body.count }
            bytes += try await client.get("/v1/customers?limit=0").body.count
            _ = try await client.mutate(count: 3, kind: "update")
            let stats = try await client.stats()
            #expect(stats["pages"] as? Int == 3)
            #expect(stats["bodyBytes"] as? Int == bytes)
            #expect((stats["requests"] as? [String: Int]) == ["200": 3, "400": 1])
            #expect((stats["mutations"] as? [String: Int])?["update"] == 3)
        }
    }

    func mutationCount(_ client: SimulatorClient) async throws -> Int {
        (try await client.stats()["mutations"] as? [String: Int] ?? [:]).values.reduce(0, +)
    }
}
