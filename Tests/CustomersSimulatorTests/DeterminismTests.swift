import CustomersSimulator
import Testing

@Suite struct DeterminismTests {
    func truthBytes(_ options: SimulatorOptions) async throws -> [UInt8] {
        try await withSimulator(options) { client async throws in
            try await client.get("/__admin/truth", token: .some(nil)).body
        }
    }

    @Test func theSameSeedGivesTheSameData() async throws {
        let options = SimulatorOptions(customers: 800, seed: 42, poison: 14)
        let first = try await truthBytes(options)
        #expect(first.count > 100_000)
        #expect(try await truthBytes(options) == first)
        var other = options
        other.seed = 43
        #expect(try await truthBytes(other) != first)
    }
}
