internal import CLibPQ

/// Asks the server to cancel whatever statement a connection is running, from any thread.
///
/// Why: a statement waiting on a lock another session holds (a report's `LOCK TABLE … IN SHARE
/// MODE`, a `pg_dump`) blocks its thread inside libpq; a SIGTERM must still end the process within
/// seconds. `PQcancel` opens a separate connection to send the request, so it does not touch the
/// blocked `PGconn`, and libpq documents it as safe to call from another thread (even a signal
/// handler). The statement then fails with SQLSTATE 57014 on its own thread.
///
/// `@unchecked Sendable` is safe: the `PGcancel` object is created once, never mutated by
/// libpq after `PQgetCancel`, read only by `PQcancel` (thread-safe by libpq's documentation), and
/// freed in `deinit`, when no other reference can be calling `cancel()`.
public final class PostgresCanceller: @unchecked Sendable {
    private let handle: OpaquePointer

    init?(connection: OpaquePointer) {
        guard let handle = PQgetCancel(connection) else { return nil }
        self.handle = handle
    }

    deinit {
        PQfreeCancel(handle)
    }

    /// Sends the cancel request; true when the server received it (the statement may still
    /// have finished first, which is fine). Never throws: cancelling is best effort.
    @discardableResult
    public func cancel() -> Bool {
        var buffer = [CChar](repeating: 0, count: 256)
        return PQcancel(handle, &buffer, Int32(buffer.count)) == 1
    }
}

extension PostgresConnection {
    /// A canceller for this connection's statements, or nil when it is closed.
    public func makeCanceller() -> PostgresCanceller? {
        handle.flatMap { PostgresCanceller(connection: $0) }
    }
}
