import CustomersSimulator
import Testing

/// `--bulk-share`: the dense data shape of the benchmarks.
@Suite struct DenseShapeTests {
    @Test func aBulkShareGivesThatShareOfCustomersToLargeImportsOnOneInstantEach() async throws {
        var options = SimulatorOptions(customers: 12_000, seed: 5)
        options.bulkShare = 0.9
        try await withSimulator(options) { client async throws in
            let truth = try await client.truth()
            #expect(truth.customers.count == 12_000)
            let byInstant = Dictionary(grouping: truth.customers, by: \.createdAt).mapValues(\.count)
            let inLargeImports = byInstant.values.filter { $0 >= 10_000 }.reduce(0, +)
            #expect(inLargeImports >= 10_800 && inLargeImports < 11_300, "\(inLargeImports) in imports of 10,000 or more")
            #expect(try await client.customers("limit=1").total == 12_000)
        }
    }

    @Test func theUsualShapeHasNoLargeImports() async throws {
        try await withSimulator(SimulatorOptions(customers: 5_000, seed: 5)) { client async throws in
            let byInstant = Dictionary(grouping: try await client.truth().customers, by: \.createdAt).mapValues(\.count)
            #expect(byInstant.values.allSatisfy { $0 <= 500 }, "the usual bulk imports hold 50 to 500")
        }
    }
}
