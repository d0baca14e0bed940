import Dispatch
import Foundation
import Logging
import Synchronization
import CustomerExportCommon
import CustomerExportLoad
import CustomerExportConfiguration

/// The load stage's threads: one per channel of the router, each with a PostgreSQL connection of
/// its own, so one loader can COPY a window's pages while another merges a finished window.
///
/// Loaders share nothing but the state tables, where the window's row lock and the run's row
/// lock order their commits exactly as they order commits of separate worker processes. If one
/// loader fails, every channel is abandoned (no fetcher stays blocked on a full channel) and the
/// run is cancelled; windows not committed stay pending and are read again on resume.
package final class LoaderThreads: Sendable {
    private let router: LoadRouter
    private let request: RunRequest
    private let context: CommitContext
    private let cancellation: CancellationToken
    private let reconnector: DatabaseReconnector?
    private let health: ServiceHealth
    private let onWindowCommitted: (@Sendable (TimeWindow, WindowReadSummary, ExportCounts) -> Void)?
    private let logger = Logger(label: "customer-export.load")
    private let results: Mutex<[Result<ExportCounts, ExportError>]> = Mutex([])
    private let finished = DispatchGroup()

    package init(router: LoadRouter, request: RunRequest, context: CommitContext, cancellation: CancellationToken,
         reconnector: DatabaseReconnector?, health: ServiceHealth,
         onWindowCommitted: (@Sendable (TimeWindow, WindowReadSummary, ExportCounts) -> Void)?) {
        self.router = router
        self.request = request
        self.context = context
        self.cancellation = cancellation
        self.reconnector = reconnector
        self.health = health
        self.onWindowCommitted = onWindowCommitted
    }

    package func start() {
        for (index, channel) in router.channels.enumerated() {
            finished.enter()
            let thread = Thread { [self] in
                let result = load(channel)
                results.withLock { $0.append(result) }
                finished.leave()
            }
            thread.name = "customer-export.loader.\(index)"
            thread.start()
        }
    }

    private func load(_ channel: BoundedChannel<LoadEvent>) -> Result<ExportCounts, ExportError> {
        do throws(ExportError) {
            let connection = try DatabaseSession.connect(request.databaseURL)
            let waits = LockWaits(
                lockTimeout: request.lockTimeout, retryFor: request.databaseRetryFor, what: "a lock on \(request.target.displayName)",
                cancellation: cancellation, health: health, logger: logger)
            do { try waits.configure(connection) } catch { throw DatabaseSession.describe(error, connectionString: request.databaseURL) }
            let canceller = connection.makeCanceller()
            let registration = cancellation.registerInterrupter { canceller?.cancel() }
            defer { cancellation.unregister(registration) }
            let loader = PostgresLoader(
                connection: connection, target: request.target, context: context, lockWaits: waits, reconnector: reconnector,
                health: health, cancellation: cancellation, onWindowCommitted: onWindowCommitted)
            return .success(try loader.run(channel))
        } catch {
            router.abandon()
            cancellation.cancel("the loader stopped: \(error.message)")
            return .failure(error)
        }
    }

    /// Waits for every loader; a failure wins (the cause over the loaders it stopped, which
    /// report an interruption), otherwise the totals of all of them.
    package func wait() -> Result<ExportCounts, ExportError> {
        finished.wait()
        var totals = ExportCounts()
        var failures: [ExportError] = []
        for result in results.withLock({ $0 }) {
            switch result {
            case let .success(part): totals += part
            case let .failure(error): failures.append(error)
            }
        }
        if let cause = ExportError.cause(among: failures) { return .failure(cause) }
        return .success(totals)
    }
}
