/// Named SQLSTATE codes (PostgreSQL manual, appendix A) for the conditions callers react to, so
/// code says what it handles instead of comparing five-character strings.
public enum SQLState {
    /// `42501`: the role lacks a privilege on the object the statement touches.
    public static let insufficientPrivilege = "42501"
    /// `42P01`: a table that does not exist (state tables before the first migration).
    public static let undefinedTable = "42P01"
    /// `3F000`: a schema that does not exist.
    public static let invalidSchemaName = "3F000"
    /// `23505`: a row with the same unique key exists (or was inserted earlier in the statement).
    public static let uniqueViolation = "23505"
    /// `40P01`: PostgreSQL broke a lock cycle by aborting this transaction; it can run again.
    public static let deadlockDetected = "40P01"
    /// `40001`: a serialization failure; the transaction can run again.
    public static let serializationFailure = "40001"
    /// `55006`: the object is in use (here: a run's windows are still held by a worker).
    public static let objectInUse = "55006"
    /// `55P03`: a lock could not be had within `lock_timeout` (or `NOWAIT`): another session
    /// holds it; the statement can be run again later.
    public static let lockNotAvailable = "55P03"
    /// `57014`: the statement was cancelled, by a cancel request (`PQcancel`) or by
    /// `statement_timeout`.
    public static let queryCanceled = "57014"
    /// `57P01`: the server is shutting down (fast or smart shutdown, a restart, a failover).
    public static let adminShutdown = "57P01"
    /// `57P02`: another backend crashed and the server is resetting every session.
    public static let crashShutdown = "57P02"
    /// `57P03`: the server is starting up, shutting down or in recovery and takes no connections yet.
    public static let cannotConnectNow = "57P03"

    /// Whether a statement that failed with `state` may simply be run again in a new transaction.
    public static func isRetryableConflict(_ state: String?) -> Bool {
        state == deadlockDetected || state == serializationFailure
    }

    /// Whether `state` is a data exception (class 22: a value out of range, of the wrong form)
    /// or an integrity violation (class 23: a CHECK, a unique key, NOT NULL): the row is at fault,
    /// not the statement or the server.
    public static func isDataError(_ state: String?) -> Bool {
        guard let state else { return false }
        return state.hasPrefix("22") || state.hasPrefix("23")
    }

    /// Whether `state` says the object is missing (a first run, before any migration).
    public static func isMissingObject(_ state: String?) -> Bool {
        state == undefinedTable || state == invalidSchemaName
    }
}

extension PostgresError {
    /// The connection, not the statement, failed: the server went away (restart, failover,
    /// network), is not accepting connections yet, or a session was cut. Reconnecting and
    /// redoing the work can succeed; repeating the statement on this connection cannot.
    /// Authentication failures are not transient: a password does not fix itself.
    public var isConnectionFailure: Bool {
        switch kind {
        case .connectionLost, .connection:
            return true
        case .authentication:
            return false
        case .query, .copy:
            guard let sqlState else { return false }
            return sqlState.hasPrefix("08") || sqlState == SQLState.adminShutdown || sqlState == SQLState.crashShutdown
                || sqlState == SQLState.cannotConnectNow
        }
    }
}
