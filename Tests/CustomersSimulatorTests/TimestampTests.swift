import CustomersSimulator
import Foundation
import Testing

/// Served timestamps denote exactly the instants of the truth, in many spellings.
@Suite struct TimestampTests {
    static let options = SimulatorOptions(customers: 1000, seed: 17)

    @Test func everyServedTimestampIsTheTruthsInstant() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let records = try await client.allPages("", limit: 200)
            #expect(records.count == 1000)
            var offsets = Set<String>()
            var digitCounts = Set<Int>()
            for record in records {
                let identifier = try #require(id(record))
                let customer = try #require(truth.customer(identifier))
                for (field, instant) in [("createdAt", customer.createdAt), ("updatedAt", customer.updatedAt)] {
                    let text = try #require(record[field] as? String)
                    #expect(Nanoseconds(rfc3339: text) == instant, "\(field) \(text) vs \(instant)")
                    offsets.insert(text.hasSuffix("Z") ? "Z" : String(text.suffix(6)))
                    let fraction = text.split(separator: ".").dropFirst().first?.prefix { $0.isNumber }
                    digitCounts.insert(fraction?.count ?? 0)
                }
                #expect(customer.record.keys.sorted() == record.keys.sorted())
            }
            #expect(offsets.isSuperset(of: ["Z", "+00:00", "+02:00", "-05:30"]), "\(offsets)")
            #expect(digitCounts.isSuperset(of: [0, 3, 6, 9]), "\(digitCounts)")
        }
    }

    @Test func generatedTimesStayInTheirRanges() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let start = try #require(Nanoseconds(rfc3339: "2023-01-01T00:00:00Z"))
            let end = try #require(Nanoseconds(rfc3339: "2026-01-01T00:00:00Z"))
            for customer in truth.customers {
                #expect(customer.createdAt >= start && customer.createdAt < end)
                #expect(customer.updatedAt >= customer.createdAt && customer.updatedAt <= end)
            }
            let midnights = truth.customers.filter { $0.createdAt.value % 86_400_000_000_000 == 0 }
            #expect(!midnights.isEmpty)
        }
    }

    @Test func recordsCarryHostileButValidContent() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let names = truth.customers.map(\.name)
            #expect(names.contains { $0.contains("\t") || $0.contains("\n") })
            #expect(names.contains { $0.contains("\"") })
            #expect(names.contains { $0.contains("\\") })
            #expect(names.contains { $0.hasPrefix(" ") })
            #expect(names.contains { $0.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF } })
            #expect(names.contains { $0.unicodeScalars.contains { $0.properties.isEmojiPresentation } })
            let records = truth.customers.map(\.record)
            #expect(records.contains { $0["address"] is NSNull } && records.contains { $0["address"] is [String: Any] })
            #expect(records.contains { $0["metadata"] is NSNull } && records.contains { $0["metadata"] is [String: Any] })
            #expect(records.contains { $0["loyaltyTier"] != nil } && records.contains { $0["tags"] is [Any] })
            let countries = Set(records.compactMap { $0["countryCode"] as? String })
            #expect(countries.contains { $0 == $0.lowercased() } && countries.contains { $0 == $0.uppercased() })
            let ids = truth.customers.map(\.id).sorted()
            #expect(zip(ids, ids.dropFirst()).contains { $1 - $0 > 1 }, "ids are not contiguous")
        }
    }
}
