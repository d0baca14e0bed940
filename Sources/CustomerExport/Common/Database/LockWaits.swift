import Foundation
import LibPQ
import Logging

/// How the export behaves on a database that other people use: every session it opens waits at
/// most `lockTimeout` for a lock (`SET lock_timeout`), and a statement that gave up is run again
/// with backoff for up to `retryFor`, while the progress line and the log say what the run waits
/// on and since when.
///
/// Why: a reporting query holding `LOCK TABLE customers IN SHARE MODE` (a long `REFRESH`, a
/// `pg_dump`, a BI tool's open transaction) would otherwise hold a merge, and every reader queued
/// behind the merge's lock request, for as long as it likes. Waiting in short tries lets those
/// readers through between tries, and lets a stop signal end the run within seconds.
///
/// ```swift
/// let waits = LockWaits(lockTimeout: .seconds(10), retryFor: .minutes(10), what: "public.customers", ...)
/// try waits.configure(connection)
/// let merged = try waits.retrying { try merge() }
/// ```
package struct LockWaits: Sendable {
    package var lockTimeout: TimeSpan
    package var retryFor: TimeSpan
    /// What the statements wait for, for messages ("a lock on public.customers").
    package var what: String
    package var cancellation: CancellationToken
    package var health: ServiceHealth?
    package var logger: Logger

    package init(lockTimeout: TimeSpan, retryFor: TimeSpan, what: String, cancellation: CancellationToken, health: ServiceHealth?, logger: Logger) {
        self.lockTimeout = lockTimeout
        self.retryFor = retryFor
        self.what = what
        self.cancellation = cancellation
        self.health = health
        self.logger = logger
    }

    /// Sets the session's `lock_timeout`.
    package func configure(_ connection: PostgresConnection) throws(PostgresError) {
        _ = try connection.execute(Self.setting(lockTimeout, local: false))
    }

    /// `SET [LOCAL] lock_timeout` to `span` in milliseconds; 0 would mean "wait forever", so at least 1.
    package static func setting(_ span: TimeSpan, local: Bool) -> String {
        "SET \(local ? "LOCAL " : "")lock_timeout = \(max(1, span.nanoseconds / 1_000_000))"
    }

    /// Runs `body`, and again after a backoff each time it fails for want of a lock (SQLSTATE
    /// 55P03), until `retryFor` has passed since the first such failure or the run is cancelled;
    /// then the last failure is thrown, with a message naming the wait and what to do.
    package func retrying<T>(_ body: () throws(PostgresError) -> T) throws(PostgresError) -> T {
        var since: Timestamp?
        var attempt = 0
        defer { if since != nil { health?.lockWaitEnded() } }
        while true {
            do {
                return try body()
            } catch where error.sqlState == SQLState.lockNotAvailable {
                let now = Timestamp.now()
                if since == nil {
                    since = now
                    health?.lockWaitStarted(what, at: now)
                    logger.warning("waiting for \(what): another session holds a conflicting lock; trying again every few seconds", metadata: [
                        "lock_timeout": "\(lockTimeout)", "retry_for": "\(retryFor)",
                    ])
                }
                let waited = TimeSpan(nanoseconds: now.nanosecondsSinceEpoch - (since ?? now).nanosecondsSinceEpoch)
                guard waited < retryFor, !cancellation.isCancelled else {
                    throw PostgresError(
                        kind: .query, sqlState: error.sqlState,
                        message: "waited \(Int(waited.seconds)) s for \(what) (lock_timeout \(lockTimeout), tried again for up to \(retryFor)): another session holds a conflicting lock; find it with SELECT pid, query FROM pg_stat_activity WHERE pid = ANY(pg_blocking_pids(<our pid>)), or raise database.retryFor")
                }
                attempt += 1
                let delay = TimeSpan(nanoseconds: min(Int64(15_000_000_000), 500_000_000 << min(attempt, 5)))
                guard cancellation.sleep(delay) else { throw error }
            }
        }
    }
}
