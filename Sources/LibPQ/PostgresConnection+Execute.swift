internal import CLibPQ

extension PostgresConnection {
    /// Runs SQL text with `PQexec`. Several `;`-separated statements are allowed; the result is
    /// the last statement's, and the first failing statement stops the rest (and, outside an
    /// explicit transaction, rolls back all of them: PQexec runs them as one implicit transaction).
    ///
    /// Not for `COPY ... FROM STDIN` (use ``copyIn(_:bufferSize:_:)``): such a COPY is ended
    /// immediately and reported as an error, leaving the connection usable.
    @discardableResult
    public func execute(_ sql: String) throws(PostgresError) -> QueryResult {
        let connection = try liveHandle()
        try Self.requireNoNUL(sql, what: "the SQL text")
        return try takeResult(PQexec(connection, sql), on: connection)
    }

    /// Runs one statement with `$1, $2, ...` placeholders bound to typed `parameters`
    /// (`PQexecParams`, text format; `nil` binds NULL). Values never become part of the SQL
    /// text, so no quoting is needed; the server infers each parameter's type from context
    /// (cast with `$1::int` when it cannot).
    ///
    /// ```swift
    /// try connection.execute("SELECT count(*) FROM t WHERE id = ANY($1::bigint[]) AND at < $2", parameters: [ids, cutoff])
    /// ```
    @discardableResult
    public func execute(_ sql: String, parameters: [(any PostgresEncodable)?]) throws(PostgresError) -> QueryResult {
        try execute(sql, texts: parameters.map { $0?.postgresText })
    }

    /// `execute(_:parameters:)` on values already in PostgreSQL's text format.
    func execute(_ sql: String, texts parameters: [String?]) throws(PostgresError) -> QueryResult {
        let connection = try liveHandle()
        try Self.requireNoNUL(sql, what: "the SQL text")
        // The protocol counts parameters in an Int16 (libpq takes an int, the server caps it).
        guard parameters.count <= 65535 else {
            throw PostgresError(kind: .query, message: "too many parameters (\(parameters.count)); at most 65535 are allowed")
        }
        for (index, parameter) in parameters.enumerated() {
            // Text-format values are NUL-terminated C strings: an embedded NUL would silently
            // truncate the value, and PostgreSQL text cannot store NUL anyway.
            if let parameter { try Self.requireNoNUL(parameter, what: "parameter $\(index + 1)") }
        }

        // One contiguous block of NUL-terminated UTF-8 values, and pointers into it.
        var storage: [CChar] = []
        storage.reserveCapacity(parameters.reduce(0) { $0 + ($1?.utf8.count ?? 0) + 1 })
        var offsets: [Int?] = []
        offsets.reserveCapacity(parameters.count)
        for parameter in parameters {
            guard let parameter else {
                offsets.append(nil)
                continue
            }
            offsets.append(storage.count)
            storage.append(contentsOf: parameter.utf8.map { CChar(bitPattern: $0) })
            storage.append(0)
        }

        let result = storage.withUnsafeBufferPointer { block -> OpaquePointer? in
            let values: [UnsafePointer<CChar>?] = offsets.map { offset in offset.map { block.baseAddress! + $0 } }
            return values.withUnsafeBufferPointer { values in
                PQexecParams(
                    connection, sql, Int32(parameters.count),
                    nil,  // types: inferred by the server
                    values.baseAddress,
                    nil,  // lengths: ignored for text format
                    nil,  // formats: all text
                    0)  // text-format results
            }
        }
        return try takeResult(result, on: connection)
    }

    // MARK: Internals

    /// Turns a `PGresult*` from `PQexec`/`PQexecParams` into a `QueryResult` or an error, and
    /// frees it. A COPY that was started by accident is ended so the connection stays usable.
    func takeResult(_ result: OpaquePointer?, on connection: OpaquePointer) throws(PostgresError) -> QueryResult {
        guard let result else {
            // NULL: out of memory, or the command could not even be sent.
            throw failure(on: connection, kind: .query)
        }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return Self.materialize(result)
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            let direction = status == PGRES_COPY_IN ? "COPY FROM STDIN" : "COPY TO STDOUT"
            abandonCopy(on: connection, status: status, reason: "execute() does not support \(direction)")
            throw PostgresError(
                kind: isHealthy ? .query : .connectionLost,
                message: "execute() does not support \(direction); use copyIn() for COPY FROM STDIN")
        default:
            throw error(from: result, on: connection, kind: .query)
        }
    }

    /// A `PostgresError` built from a failed result's fields (`PQresultErrorField`), classified
    /// as `.connectionLost` when the connection broke.
    func error(from result: OpaquePointer, on connection: OpaquePointer, kind: PostgresError.Kind) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            let text = String(cString: value).trimmingTrailingNewlines()
            return text.isEmpty ? nil : text
        }
        let message =
            field("M")  // PG_DIAG_MESSAGE_PRIMARY
            ?? PQresultErrorMessage(result).map { String(cString: $0).trimmingTrailingNewlines() }.flatMap { $0.isEmpty ? nil : $0 }
            ?? Self.errorMessage(of: connection)
        return PostgresError(
            kind: PQstatus(connection) == CONNECTION_BAD ? .connectionLost : kind,
            sqlState: field("C"),  // PG_DIAG_SQLSTATE
            message: message,
            detail: field("D"),  // PG_DIAG_MESSAGE_DETAIL
            hint: field("H"))  // PG_DIAG_MESSAGE_HINT
    }

    /// A `PostgresError` from the connection's last error message, for calls that failed
    /// without a result.
    func failure(on connection: OpaquePointer, kind: PostgresError.Kind) -> PostgresError {
        PostgresError(
            kind: PQstatus(connection) == CONNECTION_BAD ? .connectionLost : kind,
            message: Self.errorMessage(of: connection))
    }

    static func requireNoNUL(_ text: String, what: String) throws(PostgresError) {
        if text.utf8.contains(0) {
            throw PostgresError(kind: .query, message: "\(what) contains a NUL byte, which PostgreSQL cannot accept")
        }
    }

    /// Copies every value out of a successful `PGresult`.
    static func materialize(_ result: OpaquePointer) -> QueryResult {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let columnNames = (0..<columnCount).map { column in
            PQfname(result, Int32(column)).map { String(cString: $0) } ?? ""
        }
        var rows: [[String?]] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) == 1 {
                    values.append(nil)
                } else {
                    let length = Int(PQgetlength(result, row, column))
                    let bytes = UnsafeRawBufferPointer(start: PQgetvalue(result, row, column), count: length)
                    values.append(String(decoding: bytes, as: UTF8.self))
                }
            }
            rows.append(values)
        }
        let commandTag = PQcmdStatus(result).map { String(cString: $0) } ?? ""
        let affected = PQcmdTuples(result).map { String(cString: $0) } ?? ""
        return QueryResult(
            columnNames: columnNames, rows: rows, rowsAffected: Int(affected) ?? 0, commandTag: commandTag)
    }
}
