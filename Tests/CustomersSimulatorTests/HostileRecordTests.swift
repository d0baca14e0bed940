import CustomersSimulator
import Foundation
import Testing

/// `--hostile` and `--huge-records`: records whose bytes break strict parsers are served with
/// exactly those bytes, otherwise valid, in id order, and listed as poison in the truth.
@Suite struct HostileRecordTests {
    static let options: SimulatorOptions = {
        var options = SimulatorOptions(customers: 100, seed: 31)
        options.hostile = 8
        return options
    }()

    @Test func everyHostileKindIsListedTwiceAsPoison() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            #expect(truth.customers.count == 100)
            let kinds = Dictionary(grouping: truth.poison, by: \.kind).mapValues(\.count)
            #expect(kinds == ["lone-surrogate": 2, "invalid-utf8": 2, "deep-nesting": 2, "huge-number": 2])
            for poison in truth.poison {
                #expect(poison.name == "poison-\(poison.kind)-\(poison.id)")
            }
        }
    }

    @Test func hostileRecordsCarryTheirExactBytes() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            try #require(truth.poison.count == 8)
            for poison in truth.poison {
                let result = try await client.get("/v1/customers?customerIds=\(poison.id)")
                try #require(result.status == 200, "\(poison.kind) \(poison.id)")
                let body = result.body
                // An integer id, as on any customer.
                let start: [UInt8] = Array(#"{"data":[{"id":\#(poison.id),"externalId":"#.utf8)
                #expect(body.starts(with: start), "\(poison.kind)")
                let nameStart: [UInt8] = Array(#""name":"\#(poison.name)"#.utf8)
                let afterName: [UInt8] = Array(#"","type":"#.utf8)
                switch poison.kind {
                case "lone-surrogate":
                    // The six ASCII bytes \ud83d, then y: a high surrogate with no low one.
                    let surrogate: [UInt8] = nameStart + Array(#" x\ud83dy"#.utf8) + afterName
                    #expect(containsBytes(body, surrogate))
                case "invalid-utf8":
                    let badBytes: [UInt8] = [0x20, 0xC3, 0x28, 0xFF]
                    let invalid: [UInt8] = nameStart + badBytes + afterName
                    #expect(containsBytes(body, invalid))
                case "deep-nesting":
                    let opening = [UInt8](repeating: UInt8(ascii: "["), count: 600)
                    let closing = [UInt8](repeating: UInt8(ascii: "]"), count: 600)
                    let member: [UInt8] = Array(#","nested":"#.utf8) + opening + closing + Array("}]".utf8)
                    let deeper: [UInt8] = opening + [UInt8(ascii: "[")]
                    #expect(containsBytes(body, member))
                    #expect(!containsBytes(body, deeper))
                case "huge-number":
                    let member: [UInt8] = Array(#","score":1e999999}]"#.utf8)
                    #expect(containsBytes(body, member))
                default:
                    Issue.record("unexpected kind \(poison.kind)")
                }
            }
        }
    }

    @Test func hostileRecordsAreServedInIDOrderAndInTheDateWindows() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let everyID = (truth.customers.map(\.id) + truth.poison.map(\.id)).sorted()
            let page = try await client.get("/v1/customers?sortBy=id&sortDirection=asc&limit=200")
            #expect(servedIDs(page.body) == everyID)
            #expect(metaTotal(page.body) == 108)

            let created = try await client.get("/v1/customers?createdAtFrom=2023-01-01T00:00:00Z&createdAtTo=2025-12-31T23:59:59.999999999Z&limit=1")
            #expect(metaTotal(created.body) == 108)
            let updated = try await client.get("/v1/customers?updatedAtFrom=2023-01-01T00:00:00Z&limit=1")
            #expect(metaTotal(updated.body) == 108)
            let marked = try await client.get("/v1/customers?search=poison-&limit=1")
            #expect(metaTotal(marked.body) == 8)
        }
    }

    @Test func healedHostileRecordsBecomeValidJSON() async throws {
        try await withSimulator(Self.options) { client async throws in
            let healed = try await client.post("/__admin/heal")
            let object = try #require(try healed.json() as? [String: Any])
            #expect((object["healed"] as? [[String: Any]])?.count == 8)
            let records = try await client.allPages("sortBy=id", limit: 50)
            #expect(records.count == 108)
            #expect(records.allSatisfy { $0["nested"] == nil && $0["score"] == nil })
            #expect(try await client.truth().poison.isEmpty)
        }
    }

    @Test func aHugeRecordsNameHasExactlyTheConfiguredLength() async throws {
        var options = SimulatorOptions(customers: 50, seed: 32)
        options.hugeRecords = 2
        options.hugeRecordBytes = 100_000
        try await withSimulator(options) { client async throws in
            let truth = try await client.truth()
            #expect(truth.customers.count == 50)
            #expect(truth.poison.map(\.kind) == ["huge-record", "huge-record"])
            for poison in truth.poison {
                let record = try #require(try await client.customers("customerIds=\(poison.id)").records.first)
                #expect(id(record) == poison.id)
                let name = try #require(record["name"] as? String)
                #expect(name.utf8.count == 100_000)
                #expect(name.hasPrefix("\(poison.name) "))
                #expect(Nanoseconds(rfc3339: record["createdAt"] as? String) != nil)
                #expect(Nanoseconds(rfc3339: record["updatedAt"] as? String) != nil)
            }
            #expect(try await client.customers("search=poison-huge-record-&limit=10").records.count == 2)
            #expect(try await client.allPages("sortBy=name", limit: 20).count == 52)
        }
    }

    @Test func hostileOptionsAreOffByDefaultAndValidated() {
        let defaults = SimulatorOptions()
        #expect(defaults.hostile == 0 && defaults.hugeRecords == 0 && defaults.hugeRecordBytes == 52_428_800)
        #expect(!defaults.totalIgnoresFilters && !defaults.ignoresOffset && defaults.redirectTo == nil)
        #expect(defaults.problems.isEmpty)

        var options = SimulatorOptions()
        options.hostile = -1
        options.hugeRecords = -1
        options.hugeRecordBytes = 10
        options.redirectTo = "127.0.0.1:4567/v1"
        let problems = options.problems
        for flag in ["--hostile", "--huge-records", "--huge-record-bytes", "--redirect-to"] {
            #expect(problems.contains { $0.hasPrefix(flag + " ") }, "\(flag): \(problems)")
        }
        options.redirectTo = "http://127.0.0.1:4567/"
        #expect(options.problems.contains { $0.hasPrefix("--redirect-to ") })
        options.redirectTo = "http://127.0.0.1:4567"
        #expect(!options.problems.contains { $0.hasPrefix("--redirect-to ") })
    }
}
