import CustomersSimulator
import Foundation
import Testing

@Suite struct EnvelopeTests {
    @Test func dataMetaCarriesLimitOffsetAndTotal() async throws {
        try await withSimulator(SimulatorOptions(customers: 120)) { client async throws in
            let object = try #require(try await client.get("/v1/customers?limit=7&offset=3").json() as? [String: Any])
            #expect((object["data"] as? [Any])?.count == 7)
            let meta = try #require(object["meta"] as? [String: Any])
            #expect(meta["limit"] as? Int == 7)
            #expect(meta["offset"] as? Int == 3)
            #expect(meta["total"] as? Int == 120)
        }
    }

    @Test func arrayEnvelopeIsABareArrayAndPagesLikeTheOther() async throws {
        try await withSimulator(SimulatorOptions(customers: 250, envelope: .array)) { client async throws in
            let body = try await client.get("/v1/customers?limit=3")
            #expect(body.text.hasPrefix("["))
            #expect((try body.json() as? [Any])?.count == 3)
            let records = try await client.allPages("sortBy=name", limit: 40)
            let truth = try await client.truth()
            #expect(records.compactMap(id).count == 250)
            #expect(Set(records.compactMap(id)) == Set(truth.customers.map(\.id)))
        }
    }
}
