import CustomersSimulator
import Testing

/// The contract's default order rules.
@Suite struct DefaultSortTests {
    static let options = SimulatorOptions(customers: 300, seed: 11)
    static let from = encoded("2023-06-01T00:00:00Z")
    static let to = encoded("2025-06-01T00:00:00+02:00")

    /// The (field, descending) order `query`'s records are in, checked against the truth.
    func order(of query: String, client: SimulatorClient, truth: Truth) async throws -> [Truth.Customer] {
        let records = try await client.allPages(query, limit: 200)
        #expect(records.count > 10, "the query should match enough records to show an order")
        return try records.map { record in
            let identifier = try #require(id(record))
            return try #require(truth.customer(identifier))
        }
    }

    func isSorted(_ customers: [Truth.Customer], by field: String, descending: Bool) -> Bool {
        zip(customers, customers.dropFirst()).allSatisfy { a, b in
            descending ? PagingTests.precedes(b, a, by: field) : PagingTests.precedes(a, b, by: field)
        }
    }

    @Test func noFilterSortsByIDDescending() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let customers = try await order(of: "", client: client, truth: truth)
            #expect(isSorted(customers, by: "id", descending: true))
        }
    }

    @Test func createdAtFromSortsByCreatedAtAscending() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let customers = try await order(of: "createdAtFrom=\(Self.from)", client: client, truth: truth)
            #expect(isSorted(customers, by: "createdAt", descending: false))
            #expect(!isSorted(customers, by: "id", descending: true))
        }
    }

    @Test func createdAtToAloneSortsByCreatedAtDescending() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let customers = try await order(of: "createdAtTo=\(Self.to)", client: client, truth: truth)
            #expect(isSorted(customers, by: "createdAt", descending: true))
        }
    }

    @Test func updatedAtFiltersWinOverCreatedAtFilters() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let ascending = try await order(of: "createdAtFrom=\(Self.from)&updatedAtFrom=\(Self.from)", client: client, truth: truth)
            #expect(isSorted(ascending, by: "updatedAt", descending: false))
            let descending = try await order(of: "createdAtTo=\(Self.to)&updatedAtTo=\(Self.to)", client: client, truth: truth)
            #expect(isSorted(descending, by: "updatedAt", descending: true))
        }
    }

    @Test func explicitSortOverridesTheDefaults() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let customers = try await order(of: "createdAtFrom=\(Self.from)&sortBy=name", client: client, truth: truth)
            #expect(isSorted(customers, by: "name", descending: false))
            let descending = try await order(of: "createdAtFrom=\(Self.from)&sortDirection=desc", client: client, truth: truth)
            #expect(isSorted(descending, by: "createdAt", descending: true))
        }
    }
}
