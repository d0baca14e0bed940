internal import CLibPQ

extension PostgresConnection {
    /// Streams `COPY ... FROM STDIN` (text or CSV format, as `sql` says).
    ///
    /// `produce` appends rows to the writer; the writer sends its one reusable buffer with
    /// `PQputCopyData` whenever it holds `bufferSize` bytes or more, so memory stays bounded
    /// however many rows are copied. When `produce` returns, the rest is sent, the COPY is ended
    /// with `PQputCopyEnd`, and every result is read until libpq returns NULL.
    ///
    /// If `produce` throws, the COPY is ended with `PQputCopyEnd(errormsg)` so the server aborts
    /// it (no row of it is kept; an enclosing transaction is left failed, to be rolled back), the
    /// results are drained, and the producer's error is rethrown — except when it was the writer
    /// failing to send and the server explains why (e.g. a bad row), where the server's error is
    /// more useful and is thrown instead.
    ///
    /// - Returns: the number of rows copied (`PQcmdTuples`).
    /// - Throws: the producer's error, or `PostgresError` `.copy` (bad statement or data, with
    ///   the server's SQLSTATE, e.g. `22P04`) / `.connectionLost`.
    public func copyIn(
        _ sql: String, bufferSize: Int = 1 << 18, _ produce: (inout CopyWriter) throws -> Void
    ) throws -> Int {
        let connection = try liveHandle()
        try Self.requireNoNUL(sql, what: "the SQL text")

        guard let start = PQexec(connection, sql) else {
            throw failure(on: connection, kind: .copy)
        }
        let status = PQresultStatus(start)
        guard status == PGRES_COPY_IN else {
            defer { PQclear(start) }
            switch status {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                throw PostgresError(kind: .copy, message: "copyIn() needs a COPY ... FROM STDIN statement")
            case PGRES_COPY_OUT, PGRES_COPY_BOTH:
                abandonCopy(on: connection, status: status, reason: "copyIn() needs COPY FROM STDIN")
                throw PostgresError(
                    kind: isHealthy ? .copy : .connectionLost,
                    message: "copyIn() needs a COPY ... FROM STDIN statement, not COPY TO STDOUT")
            default:
                throw error(from: start, on: connection, kind: .copy)
            }
        }
        PQclear(start)

        var writer = CopyWriter(connection: connection, bufferSize: bufferSize)
        do {
            try produce(&writer)
            try writer.flush()
        } catch let producerError {
            // Tell the server to abort. The reason lands in the server log, so it names only the
            // error's type: the description could contain customer data.
            let reason = "COPY aborted by the client: the producer threw \(type(of: producerError))"
            // If this fails the connection is broken; draining then ends at once, and the
            // caller sees it through the error it gets (or `isHealthy`).
            _ = PQputCopyEnd(connection, reason)
            let outcome = drainResults(on: connection, kind: .copy)
            if writer.failure != nil, let serverError = outcome.error, serverError.sqlState != "57014" {
                // 57014 (query_canceled) is just the echo of our own PQputCopyEnd(errormsg).
                throw serverError
            }
            throw producerError
        }

        let ended = PQputCopyEnd(connection, nil) == 1
        let endFailure = ended ? nil : failure(on: connection, kind: .copy)
        let outcome = drainResults(on: connection, kind: .copy)
        if let error = outcome.error ?? endFailure { throw error }
        guard let rows = outcome.rowsAffected else {
            throw PostgresError(kind: .copy, message: "the server sent no result for the COPY")
        }
        return rows
    }

    // MARK: Internals

    /// Reads `PQgetResult` until NULL, as libpq requires before the next command, freeing each
    /// result. Returns the first error and the affected-row count of the last successful one.
    ///
    /// Leftover COPY states are ended on the way (a COPY inside a multi-statement string), and a
    /// connection that cannot end one is treated as broken rather than looped on forever.
    func drainResults(on connection: OpaquePointer, kind: PostgresError.Kind) -> (rowsAffected: Int?, error: PostgresError?) {
        var rowsAffected: Int?
        var firstError: PostgresError?
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            switch status {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                rowsAffected = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
            case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
                if !abandonCopyData(on: connection, status: status, reason: "unexpected COPY in the results") {
                    firstError = firstError ?? failure(on: connection, kind: .connectionLost)
                    return (rowsAffected, firstError)
                }
            default:
                firstError = firstError ?? error(from: result, on: connection, kind: kind)
            }
        }
        return (rowsAffected, firstError)
    }

    /// Ends a COPY nobody asked for and drains its results, leaving the connection idle.
    func abandonCopy(on connection: OpaquePointer, status: ExecStatusType, reason: String) {
        if abandonCopyData(on: connection, status: status, reason: reason) {
            _ = drainResults(on: connection, kind: .query)
        }
    }

    /// Ends the data phase of a COPY: `PQputCopyEnd(reason)` for COPY IN, reading and discarding
    /// the data for COPY OUT. Returns `false` when libpq reports the connection unusable.
    private func abandonCopyData(on connection: OpaquePointer, status: ExecStatusType, reason: String) -> Bool {
        if status == PGRES_COPY_IN || status == PGRES_COPY_BOTH {
            return PQputCopyEnd(connection, reason) == 1
        }
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(connection, &buffer, 0)  // blocking
            if let buffer { PQfreemem(buffer) }
            if length == -1 { return true }  // done; the final result follows from PQgetResult
            if length < -1 { return false }  // -2: error
        }
    }
}
