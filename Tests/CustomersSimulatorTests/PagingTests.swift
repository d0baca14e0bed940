import CustomersSimulator
import Foundation
import Testing

/// Offset paging through still data: every order is total, so every id comes back exactly once.
@Suite struct PagingTests {
    static let options = SimulatorOptions(customers: 400, seed: 7)

    @Test(arguments: ["id", "name", "createdAt", "updatedAt"], ["asc", "desc"])
    func pagingReturnsEveryIDOnceInOrder(sortBy: String, direction: String) async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let records = try await client.allPages("sortBy=\(sortBy)&sortDirection=\(direction)", limit: 37)
            let ids = records.compactMap(id)
            #expect(ids.count == truth.customers.count)
            #expect(Set(ids) == Set(truth.customers.map(\.id)))

            // Consecutive records never go against the order; ties are broken by id, same direction.
            let byID = Dictionary(uniqueKeysWithValues: truth.customers.map { ($0.id, $0) })
            for (earlier, later) in zip(ids, ids.dropFirst()) {
                let a = try #require(byID[earlier])
                let b = try #require(byID[later])
                let ordered = direction == "asc" ? Self.precedes(a, b, by: sortBy) : Self.precedes(b, a, by: sortBy)
                #expect(ordered, "\(earlier) then \(later) breaks \(sortBy) \(direction)")
            }
        }
    }

    /// The documented order: the key (names by UTF-8 bytes), then the id.
    static func precedes(_ a: Truth.Customer, _ b: Truth.Customer, by field: String) -> Bool {
        switch field {
        case "name":
            let (x, y) = (Array(a.name.utf8), Array(b.name.utf8))
            if x != y { return x.lexicographicallyPrecedes(y) }
        case "createdAt":
            if a.createdAt != b.createdAt { return a.createdAt < b.createdAt }
        case "updatedAt":
            if a.updatedAt != b.updatedAt { return a.updatedAt < b.updatedAt }
        default:
            break
        }
        return a.id < b.id
    }

    @Test func offsetBeyondTheEndIsAnEmptyPageWithTheTotal() async throws {
        try await withSimulator(Self.options) { client async throws in
            let page = try await client.customers("offset=100000&limit=10")
            #expect(page.records.isEmpty)
            #expect(page.total == 400)
        }
    }

    @Test func defaultLimitIs50() async throws {
        try await withSimulator(Self.options) { client async throws in
            let page = try await client.customers("")
            #expect(page.records.count == 50)
        }
    }
}
