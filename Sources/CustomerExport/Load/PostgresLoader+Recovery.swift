import LibPQ
import CustomerExportCommon
import CustomerExportState

/// What a loader does when PostgreSQL goes away under it (a restart, a failover, a cut session).
///
/// The rows staged for windows in progress lived in temporary tables of the lost session, and a
/// commit in flight may or may not have happened. Nothing is guessed: the connection is
/// reopened (with backoff, within the run's budget), and every window that had staged rows,
/// quarantine entries or events in the batch that failed is marked for a redo. Its remaining
/// events are dropped until its last one, which gives the window back (pending, unclaimed) so
/// that the run claims and reads it again from the API. A commit that did happen left the
/// window done, so giving it back changes nothing; a split is recorded again (idempotently),
/// because the halves' events follow it.
extension PostgresLoader {
    package func recover(from error: PostgresError, cutting batch: [LoadEvent]) throws(ExportError) {
        guard let reconnector else { throw DatabaseSession.describe(error, connectionString: "") }
        let cut = Set(stagingTables.keys).union(quarantined.keys).union(batch.map(\.window))
        connection.close()
        connection = try reconnector.reconnect(after: error)
        state = StateStore(schema: context.state, connection: connection)
        stagingTables.removeAll()
        quarantined.removeAll()
        redo.formUnion(cut)
    }

    /// One event of a window marked for a redo.
    package func applyRedo(_ event: LoadEvent) throws(PostgresError) {
        switch event {
        case .stage, .quarantine:
            return
        case let .split(parent, _):
            redo.remove(parent)
            try apply(event)
        case .complete, .fail, .abandon:
            let window = event.window
            if try state.releaseClaim(runId: context.runId, window: window, worker: context.worker) {
                health?.countRedone(1)
            }
            context.claims.remove(window)
            redo.remove(window)
        }
    }
}
