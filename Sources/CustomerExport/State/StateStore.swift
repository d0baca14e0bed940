import Foundation
import LibPQ
import CustomerExportCommon

/// Reads and writes runs, windows, quarantine and watermarks: the checkpoints that make a run
/// resumable. Window rows are keyed by `(run_id, window_from, window_to)`, so a split or a
/// resumed plan can be recorded again without duplicating anything.
package struct StateStore {
    package let schema: StateSchema
    package let connection: PostgresConnection

    package init(schema: StateSchema, connection: PostgresConnection) {
        self.schema = schema
        self.connection = connection
    }

    private func t(_ name: String) -> String { schema.table(name) }

    /// Timestamps travel as microseconds since the epoch: exact both ways, no time zone games.
    package static let epochMicros = "(extract(epoch FROM %@) * 1000000)::bigint"
    package static func micros(_ column: String) -> String { epochMicros.replacingOccurrences(of: "%@", with: column) }
    /// The instant a `micros(...)` column holds, read by type; nil for NULL.
    package static func instant(_ row: QueryResult.Row, _ column: Int) throws(PostgresError) -> Timestamp? {
        try row.decode(Int64.self, column).map { Timestamp(nanosecondsSinceEpoch: $0 * 1000) }
    }

    package func latestRun(identity: String) throws(PostgresError) -> RunRecord? {
        try runs(where: "identity = $1 AND status <> \(RunStatus.superseded.sql)", [identity], limit: 1).first
    }

    package func run(id: Int64) throws(PostgresError) -> RunRecord? {
        try runs(where: "id = $1", [id], limit: 1).first
    }

    package func recentRuns(limit: Int) throws(PostgresError) -> [RunRecord] {
        try runs(where: "true", [], limit: limit)
    }

    private func runs(where condition: String, _ parameters: [(any PostgresEncodable)?], limit: Int) throws(PostgresError) -> [RunRecord] {
        let result = try connection.execute(
            """
            SELECT id, pipeline, identity, mode, window_field, \(Self.micros("range_from")), \(Self.micros("range_to")), status
            FROM \(t("runs")) WHERE \(condition) ORDER BY id DESC LIMIT \(limit)
            """, parameters: parameters)
        var records: [RunRecord] = []
        for row in result.typedRows {
            guard let id = try row.decode(Int64.self, 0), let mode = row[3].flatMap(RunMode.init(rawValue:)),
                  let field = row[4].flatMap(WindowField.init(rawValue:)),
                  let from = try Self.instant(row, 5), let to = try Self.instant(row, 6),
                  let status = row[7].flatMap(RunStatus.init(rawValue:))
            else { continue }
            records.append(RunRecord(id: id, pipeline: row[1] ?? "", identity: row[2] ?? "", mode: mode, field: field,
                                     rangeFrom: from, rangeTo: to, status: status))
        }
        return records
    }

    /// Records a run and its planned windows in one transaction: a plan is either whole or absent.
    package func createRun(
        pipeline: String, identity: String, mode: RunMode, field: WindowField, from: Timestamp, to: Timestamp,
        target: TargetTable, status: RunStatus, windows: [TimeWindow], paramsJSON: String? = nil
    ) throws(PostgresError) -> Int64 {
        try connection.transaction { () throws(PostgresError) -> Int64 in
            let result = try connection.execute(
                """
                INSERT INTO \(t("runs")) (pipeline, identity, mode, window_field, range_from, range_to, target, status, params)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb) RETURNING id
                """,
                parameters: [pipeline, identity, mode.rawValue, field.rawValue, from, to, target.displayName, status.rawValue, paramsJSON])
            guard let id = try result.decode(Int64.self) else {
                throw PostgresError(kind: .query, sqlState: nil, message: "INSERT ... RETURNING id returned no row", detail: nil, hint: nil)
            }
            try insertWindows(runId: id, windows)
            return id
        }
    }

    /// Extends an unfinished (or finished backfill) run to `to`, with `windows` planned for the
    /// added part, in one transaction: the run's end and its windows never disagree.
    package func extendRun(_ runId: Int64, to: Timestamp, windows: [TimeWindow]) throws(PostgresError) {
        try connection.transaction { () throws(PostgresError) in
            _ = try connection.execute(
                "UPDATE \(t("runs")) SET range_to = $2, finished_at = NULL WHERE id = $1", parameters: [runId, to])
            try insertWindows(runId: runId, windows)
        }
    }

    /// Runs of the pipeline left `running`, `failed` or `interrupted` although every window is
    /// done: a process killed between its last commit and recording its end. They are done.
    package func closeFinishedRuns(pipeline: String, target: TargetTable) throws(PostgresError) {
        _ = try connection.execute(
            """
            UPDATE \(t("runs")) r SET status = \(RunStatus.done.sql), finished_at = now()
            WHERE r.pipeline = $1 AND r.target = $2 AND r.status IN (\(RunStatus.running.sql), \(RunStatus.failed.sql), \(RunStatus.interrupted.sql))
              AND NOT EXISTS (SELECT 1 FROM \(t("windows")) w WHERE w.run_id = r.id AND w.status NOT IN \(WindowStatus.sqlList(WindowStatus.finished)))
              AND EXISTS (SELECT 1 FROM \(t("windows")) w WHERE w.run_id = r.id)
            """, parameters: [pipeline, target.displayName])
    }

    /// Inserts windows (pending); with `claimedBy`, already claimed under a lease (a split's halves
    /// stay with the worker that split their parent).
    package func insertWindows(runId: Int64, _ windows: [TimeWindow], claimedBy: String? = nil, lease: TimeSpan = .seconds(0)) throws(PostgresError) {
        // One statement for the whole plan: a multi-year backfill has thousands of windows.
        for chunk in stride(from: 0, to: windows.count, by: 1000) {
            let slice = windows[chunk..<min(chunk + 1000, windows.count)]
            let froms = slice.map(\.from)
            let tos = slice.map(\.to)
            _ = try connection.execute(
                """
                INSERT INTO \(t("windows")) (run_id, window_from, window_to, claimed_by, lease_until)
                SELECT $1, f, t, $4::text, CASE WHEN $4::text IS NULL THEN NULL ELSE now() + make_interval(secs => $5::double precision) END
                FROM unnest($2::timestamptz[], $3::timestamptz[]) AS w(f, t)
                ON CONFLICT (run_id, window_from, window_to) DO NOTHING
                """, parameters: [runId, froms, tos, claimedBy, lease.seconds])
        }
    }

    /// The stored parameters of a run as JSON (for workers), or nil for runs planned before they
    /// were kept. The pipeline, which wrote them, reads them (`RunParameters.stored`).
    package func parametersJSON(runId: Int64) throws(PostgresError) -> String? {
        try connection.execute("SELECT params::text FROM \(t("runs")) WHERE id = $1", parameters: [runId]).decode(String.self)
    }

    /// Windows still to read (pending, or failed in an earlier attempt), oldest first.
    package func unfinishedWindows(runId: Int64, field: WindowField) throws(PostgresError) -> [TimeWindow] {
        let result = try connection.execute(
            """
            SELECT \(Self.micros("window_from")), \(Self.micros("window_to")) FROM \(t("windows"))
            WHERE run_id = $1 AND status IN \(WindowStatus.sqlList(WindowStatus.unfinished)) ORDER BY window_from, window_to
            """, parameters: [runId])
        var windows: [TimeWindow] = []
        for row in result.typedRows {
            guard let from = try Self.instant(row, 0), let to = try Self.instant(row, 1) else { continue }
            windows.append(TimeWindow(field: field, from: from, to: to))
        }
        return windows
    }

    package func windowCounts(runId: Int64) throws(PostgresError) -> WindowStatusCounts {
        let result = try connection.execute(
            "SELECT status, count(*) FROM \(t("windows")) WHERE run_id = $1 GROUP BY status", parameters: [runId])
        var counts = WindowStatusCounts()
        for row in result.typedRows {
            let n = try row.decode(Int.self, 1) ?? 0
            switch row[0] {
            case "done": counts.done = n
            case "failed": counts.failed = n
            case "split": counts.split = n
            default: counts.pending += n
            }
        }
        return counts
    }

    package func setRunStatus(_ runId: Int64, _ status: RunStatus, error: String? = nil, reportJSON: String? = nil) throws(PostgresError) {
        let finished = status == .running || status == .planned ? "NULL" : "now()"
        _ = try connection.execute(
            """
            UPDATE \(t("runs")) SET status = $2, last_error = $3, report = COALESCE($4::jsonb, report),
                finished_at = \(finished), heartbeat_at = now()
            WHERE id = $1
            """, parameters: [runId, status.rawValue, error, reportJSON])
    }

    /// When a run of the pipeline last finished successfully.
    package func lastSuccess(pipeline: String, target: TargetTable) throws(PostgresError) -> Timestamp? {
        let result = try connection.execute(
            "SELECT \(Self.micros("max(finished_at)")) FROM \(t("runs")) WHERE pipeline = $1 AND target = $2 AND status = \(RunStatus.done.sql) AND mode <> '\(Self.retryMode)'",
            parameters: [pipeline, target.displayName])
        return try result.typedRows.first.flatMap { (row) throws(PostgresError) in try Self.instant(row, 0) }
    }

    package func watermark(pipeline: String, target: TargetTable) throws(PostgresError) -> Timestamp? {
        let result = try connection.execute(
            "SELECT \(Self.micros("watermark")) FROM \(t("watermarks")) WHERE pipeline = $1 AND target = $2",
            parameters: [pipeline, target.displayName])
        return try result.typedRows.first.flatMap { (row) throws(PostgresError) in try Self.instant(row, 0) }
    }
}

extension StateStore {
    /// The first failed window's error, for the run's closing message.
    package func failureSample(runId: Int64) throws(PostgresError) -> String? {
        let result = try connection.execute(
            "SELECT last_error FROM \(schema.table("windows")) WHERE run_id = $1 AND status = \(WindowStatus.failed.sql) ORDER BY window_from LIMIT 1",
            parameters: [runId])
        return try result.decode(String.self)
    }
}
