import CustomersSimulator
import Foundation
import Testing

/// Each filter selects exactly what the contract says, checked against the truth.
@Suite struct FilterTests {
    static let options = SimulatorOptions(customers: 800, seed: 5)

    func ids(_ query: String, _ client: SimulatorClient) async throws -> Set<Int64> {
        Set(try await client.allPages(query, limit: 200).compactMap(id))
    }

    @Test func typesRepeatedAndCommaSeparated() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let expected = Set(truth.customers.filter { ["fleet", "business"].contains($0.type) }.map(\.id))
            #expect(!expected.isEmpty)
            let repeated = try await ids("types=fleet&types=business", client)
            #expect(repeated == expected)
            let commaSeparated = try await ids("types=fleet,business", client)
            #expect(commaSeparated == expected)
            let operators = try await ids("types=operator", client)
            #expect(operators == Set(truth.customers.filter { $0.type == "operator" }.map(\.id)))
            let unknown = try await ids("types=unheard-of", client)
            #expect(unknown.isEmpty)
        }
    }

    @Test func customerIDsRepeatedCommaSeparatedAndCombined() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let chosen = truth.customers.shuffled().prefix(5).map(\.id)
            let query = "customerIds=\(chosen[0])&customerIds=\(chosen[1]),\(chosen[2])&customerIds=\(chosen[3]),\(chosen[4])"
            let listed = try await ids(query, client)
            #expect(listed == Set(chosen))
            // Other filters still apply.
            let type = try #require(truth.customer(chosen[0])).type
            let expected = Set(chosen.filter { truth.customer($0)?.type == type })
            let narrowed = try await ids("\(query)&types=\(type)", client)
            #expect(narrowed == expected)
        }
    }

    @Test func parentIDSelectsDirectChildrenOnly() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let parent = try #require(truth.customers.first { $0.type == "business" && truth.children(of: $0.id).count >= 2 })
            let served = try await ids("parentId=\(parent.id)", client)
            #expect(served == truth.children(of: parent.id))
        }
    }

    @Test func ownerIDSelectsAllDescendantsAtAnyDepth() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let owner = try #require(truth.customers.first { $0.type == "operator" })
            var expected = Set<Int64>()
            var frontier = [owner.id]
            while let next = frontier.popLast() {
                let below = truth.children(of: next)
                expected.formUnion(below)
                frontier.append(contentsOf: below)
            }
            let direct = truth.children(of: owner.id)
            #expect(expected.count > direct.count, "the operator should have grandchildren")
            let served = try await ids("ownerId=\(owner.id)", client)
            #expect(served == expected)
            let business = try #require(truth.customers.first { $0.type == "business" && !truth.children(of: $0.id).isEmpty })
            let servedBoth = try await ids("ownerId=\(business.id)&parentId=\(business.id)", client)
            #expect(servedBoth == truth.children(of: business.id))
        }
    }

    @Test func operatorIDSelectsEveryoneUnderTheCPO() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let anOperator = try #require(truth.customers.first { $0.type == "operator" })
            let expected = truth.members(ofOperator: anOperator.id)
            let served = try await ids("operatorId=\(anOperator.id)", client)
            #expect(expected.count > 10)
            #expect(served == expected)
        }
    }

    @Test(arguments: ["MÜLLER", "crm-", "GMBH", "🚗", "\\"])
    func searchMatchesNameAndExternalIDCaseInsensitively(needle: String) async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let expected = Set(truth.customers.filter { matches($0, needle) }.map(\.id))
            #expect(!expected.isEmpty, "the dataset should contain \(needle)")
            let served = try await ids("search=\(encoded(needle))", client)
            #expect(served == expected)
        }
    }

    @Test func searchMatchesTheIDAsText() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let needle = String(String(truth.customers[500].id).suffix(3))
            let expected = Set(truth.customers.filter { matches($0, needle) }.map(\.id))
            #expect(expected.contains(truth.customers[500].id))
            let served = try await ids("search=\(needle)", client)
            #expect(served == expected)
        }
    }

    func matches(_ customer: Truth.Customer, _ needle: String) -> Bool {
        let lowered = needle.lowercased()
        let external = (customer.record["externalId"] as? String ?? "").lowercased()
        return customer.name.lowercased().contains(lowered) || external.contains(lowered) || String(customer.id).contains(lowered)
    }
}

