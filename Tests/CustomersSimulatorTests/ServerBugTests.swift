import CustomersSimulator
import Foundation
import Testing

/// The server bugs of a hostile source: a total that ignores the filters, an ignored offset,
/// and a redirect to another origin (with the credential counter that shows who followed it).
@Suite struct ServerBugTests {
    @Test func totalCountsEveryLiveRecordWhateverTheFilters() async throws {
        var options = SimulatorOptions(customers: 200, seed: 33)
        options.totalIgnoresFilters = true
        try await withSimulator(options) { client async throws in
            let truth = try await client.truth()
            let operators = truth.customers.filter { $0.type == "operator" }
            let byType = try await client.customers("types=operator&limit=5")
            #expect(byType.total == 200)
            #expect(byType.records.count == min(5, operators.count))
            #expect(byType.records.allSatisfy { $0["type"] as? String == "operator" })

            let from = try #require(Nanoseconds(rfc3339: "2024-01-01T00:00:00Z"))
            let to = try #require(Nanoseconds(rfc3339: "2024-01-31T23:59:59Z"))
            let january = try await client.customers("createdAtFrom=2024-01-01T00:00:00Z&createdAtTo=2024-01-31T23:59:59Z&limit=200")
            #expect(january.total == 200)
            #expect(january.records.count == truth.customers.filter { $0.createdAt >= from && $0.createdAt <= to }.count)

            let nothing = try await client.customers("search=no-such-customer-anywhere")
            #expect(nothing.records.isEmpty)
            #expect(nothing.total == 200)

            _ = try await client.mutate(count: 1, kind: "create")
            #expect(try await client.customers("types=fleet&limit=1").total == 201)
        }
    }

    @Test func offsetIsIgnoredAndEchoedAsZero() async throws {
        var options = SimulatorOptions(customers: 100, seed: 34)
        options.ignoresOffset = true
        try await withSimulator(options) { client async throws in
            let first = try await client.customers("limit=10").records.compactMap { id($0) }
            #expect(first.count == 10)
            for offset in [10, 50, 95, 1000] {
                let result = try await client.get("/v1/customers?limit=10&offset=\(offset)")
                let object = try #require(try result.json() as? [String: Any])
                let records = try #require(object["data"] as? [[String: Any]])
                #expect(records.compactMap { id($0) } == first, "offset \(offset)")
                let meta = try #require(object["meta"] as? [String: Any])
                #expect(meta["offset"] as? Int == 0)
                #expect(meta["total"] as? Int == 100)
            }
        }
    }

    @Test func redirectAnswers307ToTheOtherOriginAndCredentialsAreCounted() async throws {
        try await withSimulator(SimulatorOptions(customers: 10, seed: 35)) { target async throws in
            var options = SimulatorOptions(customers: 10, seed: 35)
            options.redirectTo = target.simulator.baseURL
            try await withSimulator(options) { source async throws in
                let path = "/v1/customers?limit=5&sortBy=name&createdAtFrom=2024-01-01T00:00:00Z"
                let url = source.simulator.baseURL + path
                let withToken = try await getWithoutFollowing(url, headers: [("Authorization", "Bearer test-token")])
                #expect(withToken.status == 307)
                #expect(withToken.header("Location") == target.simulator.baseURL + path)
                // Before authorisation: no credential, or an unknown one, is redirected alike.
                #expect(try await getWithoutFollowing(url, headers: []).status == 307)
                #expect(try await getWithoutFollowing(url, headers: [("X-Api-Key", "some-key")]).status == 307)
                let stats = try await source.stats()
                #expect((stats["requests"] as? [String: Int]) == ["307": 3])
                #expect(stats["requestsWithCredentials"] as? Int == 2)

                // A client that follows without its credentials: the target sees none (and refuses).
                let location = try #require(withToken.header("Location"))
                #expect(try await getWithoutFollowing(location, headers: []).status == 403)
                #expect(try await target.stats()["requestsWithCredentials"] as? Int == 0)
                #expect(try await getWithoutFollowing(location, headers: [("Authorization", "Bearer test-token")]).status == 200)
                #expect(try await target.stats()["requestsWithCredentials"] as? Int == 1)
            }
        }
    }

    @Test func credentialsAreCountedWithoutARedirectToo() async throws {
        try await withSimulator(SimulatorOptions(customers: 10, seed: 36)) { client async throws in
            _ = try await client.get("/v1/customers?limit=1")
            _ = try await client.get("/v1/customers?limit=1", token: .some(nil))
            _ = try await client.get("/__admin/truth", token: .some(nil))
            let stats = try await client.stats()
            #expect(stats["requestsWithCredentials"] as? Int == 1)
            #expect((stats["requests"] as? [String: Int]) == ["200": 1, "403": 1])
        }
    }
}
