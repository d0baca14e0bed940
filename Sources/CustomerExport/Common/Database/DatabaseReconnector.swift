import Foundation
import LibPQ
import Logging
import Synchronization

/// Reopens a PostgreSQL connection that was lost in the middle of a run: a restart, a failover
/// or a network blip should cost the nightly job a pause, not the night.
///
/// Used only once a run has connected successfully (the first connection fails at once, so a
/// wrong URL is reported immediately). Attempts back off exponentially with full jitter up to
/// `maxDelay`, for at most `retryFor` from the moment the loss was noticed; a refused password
/// ends it at once, since waiting cannot fix it. Every connection of the run (control, loaders)
/// shares one instance: once the budget is spent for one, the others fail at once too, so a run
/// whose database is gone ends promptly with exit 4.
///
/// ```swift
/// let fresh = try reconnector.reconnect(after: lostError)   // blocks, with backoff
/// ```
package final class DatabaseReconnector: Sendable {
    package let connectionString: String
    package let retryFor: TimeSpan
    private let baseDelay: TimeSpan
    private let maxDelay: TimeSpan
    private let health: ServiceHealth
    private let logger: Logger
    private let cancellation: CancellationToken
    private let gaveUp = Mutex<ExportError?>(nil)

    package init(
        connectionString: String, retryFor: TimeSpan, health: ServiceHealth, logger: Logger, cancellation: CancellationToken,
        baseDelay: TimeSpan = TimeSpan(nanoseconds: 250_000_000), maxDelay: TimeSpan = .seconds(10)
    ) {
        self.connectionString = connectionString
        self.retryFor = retryFor
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.health = health
        self.logger = logger
        self.cancellation = cancellation
    }

    /// Whether `error` is one this type waits out (the connection failed, not the statement).
    package static func isRecoverable(_ error: PostgresError) -> Bool { error.isConnectionFailure }

    /// A new connection, opened after `error` broke the previous one. Throws `.database` once
    /// the budget is spent (or at once for refused credentials) and `.interrupted` when the run
    /// is cancelled while waiting.
    package func reconnect(after error: PostgresError) throws(ExportError) -> PostgresConnection {
        if let final = gaveUp.withLock({ $0 }) { throw final }
        let started = Timestamp.now()
        var problem = error
        var attempt = 0
        var reported = false
        var lastReminder = started
        while true {
            attempt += 1
            do {
                let connection = try DatabaseSession.open(connectionString)
                if reported, let paused = health.up(.database) {
                    logger.warning("PostgreSQL answers again; the run continues", metadata: ["waited": "\(paused.readable)"])
                } else if !reported {
                    logger.info("reconnected to PostgreSQL after a cut session", metadata: ["error": "\(Self.oneLine(error.message))"])
                }
                return connection
            } catch let failure where failure.kind == .authentication {
                throw DatabaseSession.describe(failure, connectionString: connectionString)
            } catch let failure {
                problem = failure
            }
            // The first attempt is immediate: a single cut session (a killed backend, an idle
            // timeout) costs nothing and says nothing. Only a server that stays away is an outage.
            if !reported {
                reported = true
                if health.down(.database, problem: problem.message) {
                    logger.warning("lost the connection to PostgreSQL; reconnecting with backoff", metadata: [
                        "error": "\(Self.oneLine(error.message))", "budget": "\(retryFor)",
                        "server": "\(ConnectionString.redacted(connectionString))",
                    ])
                }
            }
            let waited = Timestamp.now().span(since: started)
            if Timestamp.now().span(since: lastReminder) >= .seconds(60) {
                lastReminder = .now()
                logger.warning("still waiting for PostgreSQL", metadata: [
                    "down_for": "\(waited.readable)", "budget": "\(retryFor)", "last": "\(Self.oneLine(problem.message))",
                ])
            }
            guard waited < retryFor else {
                let final = ExportError.database(
                    "PostgreSQL at \(Self.shown(connectionString)) has not come back for \(waited.readable) (last: \(Self.oneLine(problem.message))), longer than the retry budget of \(retryFor) (--retry-for); committed windows are kept, run the same command again once it is up")
                gaveUp.withLock { if $0 == nil { $0 = final } }
                logger.error("giving up on PostgreSQL", metadata: ["waited": "\(waited.readable)"])
                throw final
            }
            let exponent = Double(1 << min(attempt - 1, 20))
            let cap = min(maxDelay.seconds, baseDelay.seconds * exponent)
            let delay = TimeSpan(nanoseconds: Int64(cap * Double.random(in: 0..<1) * 1e9) + 50_000_000)
            if !cancellation.sleep(delay) {
                // Stopped because another connection of the run gave up: that is the cause.
                if let final = gaveUp.withLock({ $0 }) { throw final }
                throw .interrupted("stopped while waiting for PostgreSQL to come back; committed windows are kept, run the same command again to resume")
            }
        }
    }

    /// libpq's messages span lines ("server closed the connection unexpectedly\n\tThis probably
    /// means..."); a log line or an error sentence should not.
    package static func oneLine(_ message: String) -> String {
        message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    private static func shown(_ connectionString: String) -> String {
        connectionString.isEmpty ? "the server named by the PG* variables" : ConnectionString.redacted(connectionString)
    }
}
