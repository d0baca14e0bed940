import Foundation
import Testing

/// The parsed `/__admin/truth`: what the simulator says it serves.
struct Truth {
    struct Customer {
        var id: Int64
        var createdAt: Nanoseconds
        var updatedAt: Nanoseconds
        var record: [String: Any]
        var name: String { record["name"] as? String ?? "" }
        var type: String { record["type"] as? String ?? "" }
        var parentId: Int64? { int64(record["parentId"]) }
        var operatorId: Int64? { int64(record["operatorId"]) }
    }

    struct Poison {
        var id: Int64
        var kind: String
        var name: String
    }

    var customers: [Customer] = []
    var deleted: [Int64] = []
    var poison: [Poison] = []
    private var positions: [Int64: Int] = [:]

    init(jsonLines: [UInt8]) throws {
        for line in jsonLines.split(separator: UInt8(ascii: "\n")) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            let id = try #require(int64(object["id"]))
            switch object["type"] as? String {
            case "customer":
                customers.append(Customer(
                    id: id,
                    createdAt: try #require(Nanoseconds(canonical: object["createdAt"] as? String)),
                    updatedAt: try #require(Nanoseconds(canonical: object["updatedAt"] as? String)),
                    record: try #require(object["record"] as? [String: Any])
                ))
            case "deleted":
                deleted.append(id)
            case "poison":
                poison.append(Poison(id: id, kind: try #require(object["kind"] as? String), name: try #require(object["name"] as? String)))
            default:
                throw UnexpectedStatus(status: 0, body: "unknown truth line \(object)")
            }
        }
        positions = Dictionary(customers.indices.map { (customers[$0].id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func customer(_ id: Int64) -> Customer? {
        positions[id].map { customers[$0] }
    }

    /// Ids of the customers under the operator `operatorID`.
    func members(ofOperator operatorID: Int64) -> Set<Int64> {
        Set(customers.filter { $0.operatorId == operatorID }.map(\.id))
    }

    /// Ids of the customers directly below `parent`.
    func children(of parent: Int64) -> Set<Int64> {
        Set(customers.filter { $0.parentId == parent }.map(\.id))
    }
}

/// An instant as nanoseconds since the epoch, parsed independently of the simulator's code so
/// the tests check its timestamps rather than its parser against itself.
struct Nanoseconds: Comparable, Hashable, CustomStringConvertible {
    var value: Int64

    init(value: Int64) {
        self.value = value
    }

    static func < (lhs: Nanoseconds, rhs: Nanoseconds) -> Bool { lhs.value < rhs.value }

    var description: String { String(value) }

    /// Parses an RFC 3339 date-time with any offset and 0–9 fractional digits; nil if invalid.
    init?(rfc3339 text: String?) {
        guard let text,
              let match = text.wholeMatch(of: /(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})/)
        else { return nil }
        var components = DateComponents()
        components.calendar = Calendar(identifier: .gregorian)
        components.timeZone = TimeZone(identifier: "UTC")
        (components.year, components.month, components.day) = (Int(match.1), Int(match.2), Int(match.3))
        (components.hour, components.minute, components.second) = (Int(match.4), Int(match.5), Int(match.6))
        guard components.isValidDate, let hour = components.hour, hour < 24, let date = components.date else { return nil }
        var nanos = Int64(date.timeIntervalSince1970.rounded()) * 1_000_000_000
        if let fraction = match.7 {
            nanos += Int64(fraction.padding(toLength: 9, withPad: "0", startingAt: 0))!
        }
        if match.8 != "Z" {
            let sign: Int64 = match.8.first == "-" ? -1 : 1
            let hours = Int64(match.8.dropFirst().prefix(2))!
            let minutes = Int64(match.8.suffix(2))!
            nanos -= sign * (hours * 3600 + minutes * 60) * 1_000_000_000
        }
        value = nanos
    }

    /// Parses the truth's canonical spelling (9 digits, `Z`), insisting on exactly that form.
    init?(canonical text: String?) {
        guard let text, text.count == 30, text.hasSuffix("Z") else { return nil }
        self.init(rfc3339: text)
    }
}
