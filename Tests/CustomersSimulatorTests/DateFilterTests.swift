import CustomersSimulator
import Foundation
import Testing

/// Date filters are inclusive at both ends and compare instants, whatever the spelling.
@Suite struct DateFilterTests {
    static let options = SimulatorOptions(customers: 1000, seed: 3)

    @Test func aRecordExactlyOnBothBoundsIsReturned() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            for customer in truth.customers.prefix(5) {
                let served = try #require(customer.record["createdAt"] as? String)
                let canonical = canonicalUTC(customer.createdAt)
                let page = try await client.customers("createdAtFrom=\(encoded(served))&createdAtTo=\(encoded(canonical))&limit=200")
                let ids = page.records.compactMap(id)
                #expect(ids.contains(customer.id))
                #expect(page.total == truth.customers.count { $0.createdAt == customer.createdAt })
            }
        }
    }

    @Test func aWindowHoldsExactlyTheRecordsBetweenItsBoundsInclusive() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let sorted = truth.customers.sorted { $0.createdAt < $1.createdAt }
            let (low, high) = (sorted[200].createdAt, sorted[350].createdAt)
            let records = try await client.allPages("createdAtFrom=\(encoded(canonicalUTC(low)))&createdAtTo=\(encoded(canonicalUTC(high)))", limit: 200)
            let expected = Set(truth.customers.filter { $0.createdAt >= low && $0.createdAt <= high }.map(\.id))
            #expect(Set(records.compactMap(id)) == expected)

            // Adjacent windows share their boundary instant: its records come back in both.
            let next = try await client.allPages("createdAtFrom=\(encoded(canonicalUTC(high)))&createdAtTo=\(encoded(canonicalUTC(sorted[450].createdAt)))", limit: 200)
            let onBoundary = Set(truth.customers.filter { $0.createdAt == high }.map(\.id))
            #expect(!onBoundary.isEmpty)
            #expect(onBoundary.isSubset(of: Set(records.compactMap(id))))
            #expect(onBoundary.isSubset(of: Set(next.compactMap(id))))
        }
    }

    @Test func anOffsetSpellingDenotesTheSameInstant() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let customer = try #require(truth.customers.first { $0.createdAt.value % 1_000_000_000 == 0 })
            // The same instant two hours east, with nine fractional digits.
            let eastern = canonicalUTC(Nanoseconds(value: customer.createdAt.value + 7_200_000_000_000))
                .replacingOccurrences(of: "Z", with: "+02:00")
            let page = try await client.customers("createdAt=\(encoded(eastern))&limit=200")
            #expect(page.records.compactMap(id).contains(customer.id))
        }
    }

    @Test func bulkImportsShareOneInstantAndComeBackTogether() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let clusters = Dictionary(grouping: truth.customers, by: \.createdAt)
            let largest = try #require(clusters.max { $0.value.count < $1.value.count })
            #expect(largest.value.count >= 50)
            let records = try await client.allPages("createdAt=\(encoded(canonicalUTC(largest.key)))", limit: 100)
            #expect(Set(records.compactMap(id)) == Set(largest.value.map(\.id)))
        }
    }

    @Test func updatedAtBoundsAreInclusiveToo() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let sorted = truth.customers.sorted { $0.updatedAt < $1.updatedAt }
            let (low, high) = (sorted[100].updatedAt, sorted[300].updatedAt)
            let records = try await client.allPages("updatedAtFrom=\(encoded(canonicalUTC(low)))&updatedAtTo=\(encoded(canonicalUTC(high)))", limit: 200)
            let expected = Set(truth.customers.filter { $0.updatedAt >= low && $0.updatedAt <= high }.map(\.id))
            #expect(Set(records.compactMap(id)) == expected)
        }
    }

    @Test func createdAndUpdatedFiltersCombine() async throws {
        try await withSimulator(Self.options) { client async throws in
            let truth = try await client.truth()
            let created = truth.customers.map(\.createdAt).sorted()[500]
            let updated = truth.customers.map(\.updatedAt).sorted()[500]
            let records = try await client.allPages("createdAtTo=\(encoded(canonicalUTC(created)))&updatedAtFrom=\(encoded(canonicalUTC(updated)))", limit: 200)
            let expected = Set(truth.customers.filter { $0.createdAt <= created && $0.updatedAt >= updated }.map(\.id))
            #expect(!expected.isEmpty)
            #expect(Set(records.compactMap(id)) == expected)
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS.fffffffffZ` for an instant (test-side formatter).
func canonicalUTC(_ instant: Nanoseconds) -> String {
    let seconds = instant.value >= 0 ? instant.value / 1_000_000_000 : (instant.value - 999_999_999) / 1_000_000_000
    let fraction = instant.value - seconds * 1_000_000_000
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    func pad(_ value: Int?, _ width: Int) -> String {
        let text = String(value ?? 0)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    return "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T\(pad(parts.hour, 2)):\(pad(parts.minute, 2)):\(pad(parts.second, 2)).\(pad(Int(fraction), 9))Z"
}
