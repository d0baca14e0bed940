import Hummingbird
import NIOCore

/// `GET /__admin/truth`: what the simulator knows it serves, as JSON Lines, for tests and
/// benchmarks to reconcile an export against.
///
/// One line per row in slot order (which is id order): a `customer` line with the canonical
/// UTC instants and the exact served record, a `deleted` line for a deleted id, or a `poison`
/// line naming the kind and marker of an invalid record. Streamed from a snapshot so a dataset
/// of millions never sits in memory twice as text.
enum TruthWriter {
    static let contentType = "application/x-ndjson"

    static func body(_ rows: [Row]) -> ResponseBody {
        ResponseBody { writer in
            var out = JSONWriter(capacity: chunkBytes + 4096)
            for slot in rows.indices {
                appendLine(for: rows[slot], to: &out)
                if out.count >= chunkBytes {
                    try await writer.write(out.withUnsafeBytes { ByteBuffer(bytes: $0) })
                    out.removeAll()
                }
            }
            if !out.isEmpty { try await writer.write(out.withUnsafeBytes { ByteBuffer(bytes: $0) }) }
            try await writer.finish(nil)
        }
    }

    private static let chunkBytes = 1 << 18

    static func appendLine(for row: Row, to out: inout JSONWriter) {
        out.raw("{")
        out.key("type")
        if let poison = row.poison {
            out.raw("\"poison\",")
            out.key("id")
            out.int(row.id)
            out.nextKey("kind")
            out.string(poison.rawValue)
            out.nextKey("name")
            out.string(poison.marker(internalID: row.id))
        } else if row.isDeleted {
            out.raw("\"deleted\",")
            out.key("id")
            out.int(row.id)
        } else {
            out.raw("\"customer\",")
            out.key("id")
            out.int(row.id)
            out.nextKey("createdAt")
            out.timestamp(Timestamp(instant: row.createdAt, spelling: .canonical))
            out.nextKey("updatedAt")
            out.timestamp(Timestamp(instant: row.updatedAt, spelling: .canonical))
            out.nextKey("record")
            out.raw(row.json)
        }
        out.raw("}\n")
    }
}
