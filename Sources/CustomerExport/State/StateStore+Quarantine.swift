import LibPQ

/// Which quarantine entries a command is about: all of them, or those matching every field set.
package struct QuarantineSelection: Sendable {
    /// Text the reason contains, case-insensitively (`createdAt`, `not an integer`).
    package var reason: String?
    package var runId: Int64?
    package var pipeline: String?
    /// Exact entry ids.
    package var ids: [Int64] = []
    package var limit = 1000

    package init(reason: String? = nil, runId: Int64? = nil, pipeline: String? = nil, ids: [Int64] = [], limit: Int = 1000) {
        self.reason = reason
        self.runId = runId
        self.pipeline = pipeline
        self.ids = ids
        self.limit = limit
    }
}

/// One quarantined record as `quarantine list` shows it.
package struct QuarantineEntry: Sendable, Codable, Equatable {
    package var id: Int64
    package var target: String
    package var runId: Int64?
    package var pipeline: String?
    package var sourceId: String?
    package var reason: String
    package var timesSeen: Int
    package var firstSeenAt: String
    package var lastSeenAt: String
    package var payloadBytes: Int
}

extension StateStore {
    /// The entries `selection` picks, newest first.
    package func quarantineEntries(_ selection: QuarantineSelection) throws(PostgresError) -> [QuarantineEntry] {
        let ids = selection.ids
        let result = try connection.execute(
            """
            SELECT q.id, q.target, q.run_id, r.pipeline, q.source_id, q.reason, q.times_seen,
                   to_char(q.first_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   to_char(q.last_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), octet_length(q.payload)
            FROM \(schema.table("quarantine")) q LEFT JOIN \(schema.table("runs")) r ON r.id = q.run_id
            WHERE ($1::text IS NULL OR q.reason ILIKE '%' || $1 || '%') AND ($2::bigint IS NULL OR q.run_id = $2::bigint)
              AND ($3::text IS NULL OR r.pipeline = $3) AND (cardinality($4::bigint[]) = 0 OR q.id = ANY($4::bigint[]))
            ORDER BY q.last_seen_at DESC, q.id DESC LIMIT \(max(1, selection.limit))
            """, parameters: [selection.reason, selection.runId, selection.pipeline, ids])
        var entries: [QuarantineEntry] = []
        for row in result.typedRows {
            guard let id = try row.decode(Int64.self, 0) else { continue }
            entries.append(QuarantineEntry(
                id: id, target: row[1] ?? "", runId: try row.decode(Int64.self, 2), pipeline: row[3], sourceId: row[4], reason: row[5] ?? "",
                timesSeen: try row.decode(Int.self, 6) ?? 0, firstSeenAt: row[7] ?? "", lastSeenAt: row[8] ?? "",
                payloadBytes: try row.decode(Int.self, 9) ?? 0))
        }
        return entries
    }

    /// The payload of one entry exactly as it was served (NUL escapes aside).
    package func quarantinePayload(id: Int64) throws(PostgresError) -> String? {
        try connection.execute("SELECT payload FROM \(schema.table("quarantine")) WHERE id = $1", parameters: [id]).decode(String.self)
    }

    /// Removes entries whose record was fetched again (valid now, or quarantined anew).
    package func deleteQuarantine(ids: [Int64]) throws(PostgresError) {
        guard !ids.isEmpty else { return }
        _ = try connection.execute(
            "DELETE FROM \(schema.table("quarantine")) WHERE id = ANY($1::bigint[])",
            parameters: [ids])
    }

    /// Entries per target and kind of reason, for `status`: quoted values, timestamps and numbers
    /// are masked and the reason cut at its first colon, so `unparseable createdAt: "2024-02-30…"`
    /// and `…: "yesterday"` count as one kind.
    package func quarantineCounts() throws(PostgresError) -> [(target: String, reason: String, count: Int)] {
        let masked = #"""
            split_part(regexp_replace(regexp_replace(regexp_replace(reason, '"[^"]*"', '…', 'g'),
                '\d{4}-\d{2}-\d{2}T[0-9:.]+(Z|[+-]\d{2}:\d{2})?', '<time>', 'g'), '\d+', 'N', 'g'), ':', 1)
            """#
        let result = try connection.execute(
            """
            SELECT target, \(masked), count(*) FROM \(schema.table("quarantine"))
            GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2
            """)
        return try result.typedRows.map { (row) throws(PostgresError) in (row[0] ?? "", row[1] ?? "", try row.decode(Int.self, 2) ?? 0) }
    }
}
