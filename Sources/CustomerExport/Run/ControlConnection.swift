import LibPQ
import CustomerExportCommon
import CustomerExportState

/// The run's own connection (planning, claims, the run's end) and the pipeline lock it holds,
/// kept open across a database restart.
///
/// Every state operation goes through `perform`: when the connection is lost, it is reopened
/// through the shared `DatabaseReconnector`, the pipeline's advisory lock (a session lock, gone
/// with the old session) is taken again, and the operation is run again. Operations must
/// therefore be safe to repeat: single statements or whole transactions, whose effect after a
/// lost acknowledgement is either absent or harmless to apply twice (a claim whose answer was
/// lost stays this worker's until the end-of-run pass gives it back).
///
/// Used by one thread at a time, like the connection it wraps.
package final class ControlConnection {
    package private(set) var connection: PostgresConnection
    package let state: StateSchema
    package let databaseURL: String
    package var reconnector: DatabaseReconnector?
    /// The pipeline lock to take again after reconnecting; nil when the run holds none.
    package var lockKey: String?

    package init(connection: PostgresConnection, state: StateSchema, databaseURL: String) {
        self.connection = connection
        self.state = state
        self.databaseURL = databaseURL
    }

    package var store: StateStore { StateStore(schema: state, connection: connection) }

    /// Runs `body`, reconnecting and repeating it when the connection (not the statement) failed
    /// and `reconnecting` allows. Other database errors become the sentence
    /// `DatabaseSession.describe` gives them (exit 4).
    @discardableResult
    package func perform<T>(reconnecting: Bool = true, _ body: (StateStore) throws(PostgresError) -> T) throws(ExportError) -> T {
        while true {
            do {
                return try body(store)
            } catch let error where error.isConnectionFailure && reconnector != nil && reconnecting {
                try reopen(after: error)
            } catch {
                throw DatabaseSession.describe(error, connectionString: databaseURL)
            }
        }
    }

    private func reopen(after error: PostgresError) throws(ExportError) {
        guard let reconnector else { throw DatabaseSession.describe(error, connectionString: databaseURL) }
        connection.close()
        connection = try reconnector.reconnect(after: error)
        guard let lockKey else { return }
        let retaken: Bool
        do {
            retaken = try DatabaseSession.acquireLock(connection, key: lockKey, wait: false)
        } catch {
            throw DatabaseSession.describe(error, connectionString: databaseURL)
        }
        guard retaken else {
            throw .locked("the pipeline's lock was lost while PostgreSQL was away and another run took it; this run stops, the other one continues (committed windows are kept)")
        }
    }

    package func close() { connection.close() }
}
