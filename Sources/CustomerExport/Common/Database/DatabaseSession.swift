import Foundation
import LibPQ

/// Opening connections with errors a person can act on, and the per-pipeline advisory lock.
package enum DatabaseSession {
    package static func connect(_ connectionString: String) throws(ExportError) -> PostgresConnection {
        do {
            return try open(connectionString)
        } catch {
            throw describe(error, connectionString: connectionString)
        }
    }

    /// What `pg_stat_activity` shows for this process's sessions unless the connection string
    /// names an `application_name`: the program and its pid, so that an operator (or a test) can
    /// tell which worker holds a lock or runs a statement.
    package static let applicationName = "customer-export/\(getpid())"

    /// A connection with the process's application name, its errors as libpq gave them (for
    /// callers that classify them, such as the reconnector).
    package static func open(_ connectionString: String) throws(PostgresError) -> PostgresConnection {
        try PostgresConnection(connectionString: connectionString, fallbackApplicationName: applicationName)
    }

    package static func describe(_ error: PostgresError, connectionString: String) -> ExportError {
        let shown = connectionString.isEmpty ? "the server named by the PG* environment variables" : ConnectionString.redacted(connectionString)
        switch error.kind {
        case .authentication:
            return .database("PostgreSQL refused the credentials for \(shown): \(DatabaseReconnector.oneLine(error.message)); check the user and password in --database-url or DATABASE_URL")
        case .connection:
            return .database("cannot connect to PostgreSQL at \(shown): \(DatabaseReconnector.oneLine(error.message)); check that the server is running and that --database-url or DATABASE_URL points to it")
        case .query where error.sqlState == SQLState.insufficientPrivilege, .copy where error.sqlState == SQLState.insufficientPrivilege:
            // `PrivilegeCheck` already wrote the whole sentence, GRANTs included.
            if error.message.contains("GRANT") { return .database(error.message) }
            return .database("PostgreSQL refused a statement for lack of privilege: \(error.message); grant the export role what the README's \"Database privileges\" section lists, or run `customer-export migrate --grant-to ROLE` as the owner")
        default:
            return .database("PostgreSQL failed: \(error)")
        }
    }

    /// The lock that makes one writer per pipeline: a session-level advisory lock, released by
    /// PostgreSQL itself if the process dies, so a crashed run never blocks the next one.
    package static func lockKey(state: StateSchema, target: TargetTable, pipeline: String) -> String {
        lockKey(state: state, targetName: target.displayName, pipeline: pipeline)
    }

    /// The same key from the target's `schema.table` as the state tables store it.
    package static func lockKey(state: StateSchema, targetName: String, pipeline: String) -> String {
        "customer-export:\(state.name):\(targetName):\(pipeline)"
    }

    package static func acquireLock(_ connection: PostgresConnection, key: String, wait: Bool) throws(PostgresError) -> Bool {
        if wait {
            _ = try connection.execute("SELECT pg_advisory_lock(hashtext($1))", parameters: [key])
            return true
        }
        let result = try connection.execute("SELECT pg_try_advisory_lock(hashtext($1))", parameters: [key])
        return try result.decode(Bool.self) == true
    }

    package static func releaseLock(_ connection: PostgresConnection, key: String) {
        _ = try? connection.execute("SELECT pg_advisory_unlock(hashtext($1))", parameters: [key])
    }
}
