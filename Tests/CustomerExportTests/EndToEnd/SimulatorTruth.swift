import CustomerExport
import Foundation
import LibPQ

/// The simulator's `/__admin/truth`: what a perfect export would contain.
struct SimulatorTruth: Sendable {
    struct Customer: Sendable {
        var id: Int64
        var updatedAt: String
        var record: String
    }

    struct Poison: Sendable {
        var id: Int64
        var kind: String
        var name: String
    }

    var customers: [Customer] = []
    var deleted: [Int64] = []
    var poison: [Poison] = []

    /// Poison the pipeline repairs (a NUL removed) rather than quarantines: it lands in the table.
    var repairedPoison: [Poison] { poison.filter { $0.kind == "nul-char" } }
    /// Poison that must end up in quarantine.
    var quarantinablePoison: [Poison] { poison.filter { !["nul-char", "duplicate-older"].contains($0.kind) } }

    init(jsonLines: [UInt8]) throws {
        for line in jsonLines.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { continue }
            let id = (object["id"] as? NSNumber)?.int64Value ?? 0
            switch object["type"] as? String {
            case "customer":
                let record = try JSONSerialization.data(withJSONObject: object["record"] ?? [:])
                customers.append(Customer(id: id, updatedAt: object["updatedAt"] as? String ?? "", record: String(decoding: record, as: UTF8.self)))
            case "deleted":
                deleted.append(id)
            case "poison":
                poison.append(Poison(id: id, kind: object["kind"] as? String ?? "", name: object["name"] as? String ?? ""))
            default:
                continue
            }
        }
    }

    /// Loads the truth into a temporary table and counts differences with the target's live rows.
    func compare(with target: String, on connection: PostgresConnection) throws -> TruthComparison {
        _ = try connection.execute("CREATE TEMP TABLE truth (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL, record jsonb NOT NULL)")
        defer { _ = try? connection.execute("DROP TABLE IF EXISTS truth") }
        _ = try connection.copyIn("COPY truth FROM STDIN") { writer in
            var buffer: [UInt8] = []
            for customer in customers {
                buffer.removeAll(keepingCapacity: true)
                buffer += Array(String(customer.id).utf8)
                buffer.append(0x09)
                buffer += Array(customer.updatedAt.utf8)
                buffer.append(0x09)
                CopyTextFormat.appendBytes(Array(customer.record.utf8), to: &buffer)
                buffer.append(0x0A)
                try buffer.withUnsafeBytes { try writer.write($0) }
            }
        }
        let repaired = "{" + repairedPoison.map { String($0.id) }.joined(separator: ",") + "}"
        let result = try connection.execute(
            """
            SELECT count(*) FILTER (WHERE c.id IS NULL),
                   count(*) FILTER (WHERE t.id IS NULL AND NOT c.id = ANY($1::bigint[])),
                   count(*) FILTER (WHERE t.id IS NOT NULL AND c.id IS NOT NULL AND t.updated_at <> c.updated_at),
                   count(*) FILTER (WHERE t.id IS NOT NULL AND c.id IS NOT NULL AND t.record <> c.raw),
                   (SELECT count(*) FROM \(target)), (SELECT count(DISTINCT id) FROM \(target))
            FROM truth t FULL JOIN (SELECT * FROM \(target) WHERE deleted_at IS NULL) c ON c.id = t.id
            """, parameters: [repaired])
        let row = result.rows.first ?? []
        func value(_ i: Int) -> Int { row.count > i ? Int(row[i] ?? "") ?? -1 : -1 }
        return TruthComparison(missing: value(0), extra: value(1), wrongVersion: value(2), wrongRaw: value(3), rows: value(4), distinctIds: value(5))
    }
}

/// Differences between the target and the truth.
struct TruthComparison: Sendable, Equatable, CustomStringConvertible {
    var missing: Int
    var extra: Int
    var wrongVersion: Int
    var wrongRaw: Int
    var rows: Int
    var distinctIds: Int

    var isExact: Bool { missing == 0 && extra == 0 && wrongVersion == 0 && wrongRaw == 0 && rows == distinctIds }

    var description: String {
        "missing \(missing), extra \(extra), wrong version \(wrongVersion), wrong raw \(wrongRaw), rows \(rows), distinct ids \(distinctIds)"
    }
}

extension SimulatorTruth {
    /// The promise over live data: every customer alive both at `start` and now, created in
    /// `[from, to)`, is in the table with a version at least as new as at `start`; one row per id.
    static func guaranteeViolations(start: SimulatorTruth, end: SimulatorTruth, target: String, on connection: PostgresConnection) throws -> (missing: Int, stale: Int, duplicates: Int) {
        _ = try connection.execute("CREATE TEMP TABLE required (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL)")
        defer { _ = try? connection.execute("DROP TABLE IF EXISTS required") }
        let alive = Set(end.customers.map(\.id))
        _ = try connection.copyIn("COPY required FROM STDIN") { writer in
            for customer in start.customers where alive.contains(customer.id) {
                try writer.write("\(customer.id)\t\(customer.updatedAt)\n")
            }
        }
        let row = try connection.execute(
            """
            SELECT (SELECT count(*) FROM required r LEFT JOIN \(target) t USING (id) WHERE t.id IS NULL),
                   (SELECT count(*) FROM required r JOIN \(target) t USING (id) WHERE t.updated_at < r.updated_at),
                   (SELECT count(*) - count(DISTINCT id) FROM \(target))
            """).rows.first ?? []
        func value(_ i: Int) -> Int { row.count > i ? Int(row[i] ?? "") ?? -1 : -1 }
        return (value(0), value(1), value(2))
    }
}
