import CustomersSimulator
import Foundation
import Testing

/// `--poison`: each kind of invalid record is served as described and listed in the truth.
@Suite struct PoisonTests {
    static let options = SimulatorOptions(customers: 200, seed: 21, poison: 14)

    @Test func everyKindIsListedTwiceInTheTruth() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            #expect(truth.customers.count == 200)
            let kinds = Dictionary(grouping: truth.poison, by: \.kind).mapValues(\.count)
            #expect(kinds == [
                "missing-id": 2, "id-string": 2, "bad-date": 2, "nul-char": 2, "huge-string": 2,
                "updated-before-created": 2, "duplicate-older": 2,
            ])
            for poison in truth.poison {
                #expect(poison.name == "poison-\(poison.kind)-\(poison.id)")
            }
        }
    }

    @Test func poisonRecordsAreServedAsDescribed() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let records = try await client.allPages("sortBy=id", limit: 50)
            #expect(records.count == 214)
            let page = try await client.customers("limit=1")
            #expect(page.total == 214)

            for poison in truth.poison {
                let served = records.filter { ($0["name"] as? String)?.hasPrefix(poison.name) == true }
                try #require(served.count == 1, "\(poison.kind) \(poison.id)")
                let record = served[0]
                let created = Nanoseconds(rfc3339: record["createdAt"] as? String)
                let updated = Nanoseconds(rfc3339: record["updatedAt"] as? String)
                switch poison.kind {
                case "missing-id":
                    #expect(record["id"] == nil)
                case "id-string":
                    #expect(record["id"] as? String == String(poison.id))
                case "bad-date":
                    #expect(created == nil || updated == nil)
                case "nul-char":
                    #expect((record["name"] as? String)?.contains("\u{0}") == true)
                case "huge-string":
                    #expect((record["name"] as? String)?.utf8.count == 1 << 20)
                case "updated-before-created":
                    let (before, after) = (try #require(updated), try #require(created))
                    #expect(before < after)
                case "duplicate-older":
                    let original = try #require(truth.customer(poison.id))
                    #expect(id(record) == poison.id)
                    #expect(created == original.createdAt)
                    let older = try #require(updated)
                    #expect(older < original.updatedAt)
                    #expect(record["name"] as? String != original.name)
                    let both = try await client.customers("customerIds=\(poison.id)").records
                    #expect(both.count == 2)
                default:
                    Issue.record("unknown kind \(poison.kind)")
                }
            }
        }
    }

    @Test func poisonFallsIntoDateWindowsOfTheDataRange() async throws {
        try await withSimulator(Self.options) { client async throws in
            let window = "createdAtFrom=2023-01-01T00:00:00Z&createdAtTo=2025-12-31T23:59:59.999999999Z"
            let page = try await client.customers("\(window)&limit=1")
            #expect(page.total == 214)
            let marked = try await client.allPages("search=poison-", limit: 5)
            #expect(marked.count == 14)
        }
    }
}
