import CustomersSimulator
import Testing

/// `--bulk-share`: the dense data shape of the benchmarks.
@Suite struct DenseShapeTests {
    @Test func aBulkShareGivesThatShareOfCustomersToLargeImportsOnOneInstantEach() async throws {
        var options = SimulatorOptions(customers: 40_000, seed: 5)
        options.bulkShare = 0.5
        try await withSimulator(options) { client async throws in
            let truth = try await client.truth()
            #expect(truth.customers.count == 40_000)
            let byInstant = Dictionary(grouping: truth.customers, by: \.createdAt).mapValues(\.count)
            let inLargeImports = byInstant.values.filter { $0 >= 10_000 }.reduce(0, +)
            #expect(inLargeImports >= 20_000 && inLargeImports < 20_600, "\(inLargeImports) in imports of 10,000 or more")
            #expect(try await client.customers("limit=1").total == 40_000)
        }
    }

    @Test func theUsualShapeHasNoLargeImports() async throws {
        try await withSimulator(SimulatorOptions(customers: 20_000, seed: 5)) { client async throws in
            let byInstant = Dictionary(grouping: try await client.truth().customers, by: \.createdAt).mapValues(\.count)
            #expect(byInstant.values.allSatisfy { $0 < 10_000 })
        }
    }
}
