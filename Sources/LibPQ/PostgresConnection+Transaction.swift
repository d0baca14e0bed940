extension PostgresConnection {
    /// Runs `body` inside `BEGIN` ... `COMMIT`.
    ///
    /// If `body` throws, the transaction is rolled back (a failing `ROLLBACK` is ignored: the
    /// original error matters, and a broken connection is visible through `isHealthy`) and the
    /// error rethrown. A `COMMIT` that the server turns into a rollback — because a statement
    /// failed inside and `body` swallowed the error — throws instead of passing silently.
    ///
    /// Transactions do not nest: calling this while one is open throws `.query`.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        guard !isInTransaction else {
            throw PostgresError(kind: .query, message: "transaction() cannot be nested: a transaction is already open")
        }
        try execute("BEGIN")
        let value: T
        do {
            value = try body()
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
        let commit: QueryResult
        do {
            commit = try execute("COMMIT")
        } catch {
            if isInTransaction { _ = try? execute("ROLLBACK") }
            throw error
        }
        if commit.commandTag == "ROLLBACK" {
            throw PostgresError(
                kind: .query,
                message: "the transaction was rolled back instead of committed because a statement in it had failed")
        }
        return value
    }

    /// `transaction` for bodies that throw only `PostgresError`, so callers keep a typed error
    /// (and can map it to a sentence for people) without casting.
    ///
    /// ```swift
    /// let id = try connection.transaction { () throws(PostgresError) -> Int64 in
    ///     try connection.execute("INSERT ... RETURNING id").rows ...
    /// }
    /// ```
    public func transaction<T>(_ body: () throws(PostgresError) -> T) throws(PostgresError) -> T {
        do {
            return try transaction { () throws -> T in try body() }
        } catch let error as PostgresError {
            throw error
        } catch {
            // Unreachable: the body throws only PostgresError, and so do BEGIN, COMMIT and ROLLBACK.
            throw PostgresError(kind: .query, message: String(describing: error))
        }
    }
}
