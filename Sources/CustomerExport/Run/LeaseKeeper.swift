import Foundation
import LibPQ
import Logging
import CustomerExportCommon
import CustomerExportExtract
import CustomerExportState

/// Renews the leases of the windows this process holds, on a thread and connection of its own,
/// every third of the lease; a process that dies stops renewing and its windows are claimed
/// again by others once the lease runs out. With a global request rate it also re-divides the
/// rate by the number of workers holding leases on the run.
package final class LeaseKeeper: Sendable {
    package struct Settings: Sendable {
        package var databaseURL: String
        package var state: StateSchema
        package var runId: Int64
        package var worker: String
        package var lease: TimeSpan
        package var globalRequestsPerSecond: Double?
    }

    private let settings: Settings
    private let claims: ClaimRegistry
    private let rateLimiter: RateLimiter?
    private let health: ServiceHealth
    private let logger: Logger
    private let stopSignal = CancellationToken()
    private let stopped = DispatchSemaphore(value: 0)

    package init(settings: Settings, claims: ClaimRegistry, rateLimiter: RateLimiter?, health: ServiceHealth, logger: Logger) {
        self.settings = settings
        self.claims = claims
        self.rateLimiter = rateLimiter
        self.health = health
        self.logger = logger
    }

    package func start() {
        let thread = Thread { [self] in
            defer { stopped.signal() }
            var connection: PostgresConnection?
            let interval = TimeSpan(nanoseconds: max(settings.lease.nanoseconds / 3, 100_000_000))
            while stopSignal.sleep(interval) {
                do {
                    if connection == nil || connection?.isHealthy == false {
                        connection = try DatabaseSession.open(settings.databaseURL)
                    }
                    guard let connection else { continue }
                    let store = StateStore(schema: settings.state, connection: connection)
                    try store.extendLeases(runId: settings.runId, worker: settings.worker, windows: claims.snapshot, lease: settings.lease)
                    if let global = settings.globalRequestsPerSecond, let rateLimiter {
                        rateLimiter.setRate(global / Double(max(1, try store.activeWorkers(runId: settings.runId))))
                    }
                } catch {
                    // While PostgreSQL is known to be away, the reconnector already says so.
                    if health.outage(.database) == nil {
                        logger.warning("could not renew leases; will retry", metadata: ["error": "\(error)"])
                    }
                    connection = nil
                }
            }
            connection?.close()
        }
        thread.name = "customer-export.leases"
        thread.start()
    }

    package func finish() {
        stopSignal.cancel("finished")
        stopped.wait()
    }
}
