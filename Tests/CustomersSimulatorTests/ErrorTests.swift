import CustomersSimulator
import Testing

/// Every invalid request gets the contract's status and a `{"message": ...}` body.
@Suite struct ErrorTests {
    static let options = SimulatorOptions(customers: 200, seed: 2, limitedToken: "limited-token", maxLimit: 120)

    @Test(arguments: [
        "createdAtFrom=2024-13-01T00:00:00Z", "createdAtTo=yesterday", "updatedAt=2024-03-01T10:00:00",
        "updatedAtFrom=2024-03-01T10:00:00%2B2:00", "createdAt=2024-02-30T00:00:00Z", "createdAtFrom=2024-03-01T10:00:00+02:00",
        "sortBy=email", "sortDirection=up", "limit=121", "limit=0", "limit=-5", "limit=ten", "offset=-1", "offset=1.5",
        "customerIds=12a", "customerIds=1,,2", "parentId=x", "ownerId=1.5", "operatorId=abc", "limit=10&limit=20",
    ])
    func invalidParametersAre400(query: String) async throws {
        try await withSimulator(Self.options) { client async throws in
            let result = try await client.get("/v1/customers?\(query)")
            #expect(result.status == 400)
            let message = try #require(try result.message())
            let parameter = String(query.prefix { $0 != "=" })
            #expect(message.contains(parameter), "\(message)")
        }
    }

    @Test func theMaximumLimitItselfIsAccepted() async throws {
        try await withSimulator(Self.options) { client async throws in
            let page = try await client.customers("limit=120")
            #expect(page.records.count == 120)
        }
    }

    @Test func missingOrInvalidCredentialsAre403() async throws {
        try await withSimulator(Self.options) { client async throws in
            for token: String? in [nil, "wrong-token", ""] {
                let result = try await client.get("/v1/customers", token: .some(token))
                #expect(result.status == 403)
                #expect(try result.message()?.isEmpty == false)
            }
            let padded = try await client.get("/v1/customers", token: .some("test-token extra"))
            #expect(padded.status == 403)
        }
    }

    @Test func aLimitedTokenFilteringByOperatorIs401() async throws {
        try await withSimulator(Self.options) { client async throws in
            let limited = try await client.get("/v1/customers?operatorId=1", token: .some("limited-token"))
            #expect(limited.status == 401)
            #expect(try limited.message()?.contains("operatorId") == true)
            #expect(try await client.get("/v1/customers?limit=5", token: .some("limited-token")).status == 200)
            #expect(try await client.get("/v1/customers?operatorId=1").status == 200)
        }
    }

    @Test func authIsCheckedBeforeParameters() async throws {
        try await withSimulator(Self.options) { client async throws in
            let result = try await client.get("/v1/customers?limit=0", token: .some(nil))
            #expect(result.status == 403)
        }
    }
}
