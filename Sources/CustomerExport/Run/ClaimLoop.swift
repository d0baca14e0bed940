import Dispatch
import LibPQ
import Synchronization
import CustomerExportCommon
import CustomerExportExtract
import CustomerExportLoad
import CustomerExportConfiguration

/// The part of a run that hands windows to readers: claim a window from the state tables, read it
/// under the window limiter, and claim the next one only when the windows in hand are about to
/// leave request slots idle, until nothing is left to claim and no live worker holds a window.
///
/// Why its own type: the claim policy (when to claim, when to wait, when the run is over) is the
/// one decision in a run that involves the state tables, the request limiter and other workers at
/// once; `ExportPipeline.execute` only wires the stages around it.
package struct ClaimLoop {
    package let request: RunRequest
    package let runId: Int64
    package let worker: String
    package let control: ControlConnection
    package let reader: WindowReader
    package let limiter: RequestLimiter
    package let windowLimiter: RequestLimiter
    package let router: LoadRouter
    package let claims: ClaimRegistry
    package let cancellation: CancellationToken

    /// Reads every window it can claim; returns what the reads counted, and the state-table
    /// error that stopped it, if any (the run is then cancelled).
    package func run() -> (counts: ExportCounts, stateError: ExportError?) {
        let readCounts = Mutex(ExportCounts())
        let inFlight = Mutex(0)
        let group = DispatchGroup()
        var stateError: ExportError?
        var claimNumber = 0
        let reader = self.reader
        while !cancellation.isCancelled {
            if inFlight.withLock({ $0 }) > 0, !slotsAboutToIdle {
                cancellation.sleep(TimeSpan(nanoseconds: 2_000_000))
                continue
            }
            let claimed: TimeWindow?
            do {
                claimed = try control.perform { store throws(PostgresError) in
                    try store.claimWindow(runId: runId, worker: worker, lease: request.lease, field: request.field)
                }
            } catch {
                if case .interrupted = error { break }
                stateError = error
                cancellation.cancel("the state tables could not be read")
                break
            }
            guard let window = claimed else {
                guard let pause = pauseWhileOthersWork(busy: inFlight.withLock { $0 } > 0 || !claims.isEmpty) else { break }
                cancellation.sleep(pause)
                continue
            }
            claims.add(window)
            router.pin(window)
            inFlight.withLock { $0 += 1 }
            claimNumber += 1
            let priority = claimNumber
            windowLimiter.submit(group: group) {
                let summaries = reader.read(window, priority: priority)
                readCounts.withLock { for summary in summaries { $0 += summary.counts } }
                inFlight.withLock { $0 -= 1 }
            }
        }
        group.wait()
        return (readCounts.withLock { $0 }, stateError)
    }

    /// Claim another window only when the windows in hand are about to leave request slots idle:
    /// fewer windows in flight means each finishes sooner, merges spread over the run, and other
    /// workers find windows left to claim. "About to" is fewer queued requests than slots: the new
    /// window's first page (which must come back before its other pages can be queued) then goes
    /// out while the last pages of the current one are still in flight, instead of after them
    /// with slots idle for a whole round trip.
    private var slotsAboutToIdle: Bool { limiter.backlog < request.concurrency }

    /// Nothing to claim now: how long to wait before asking again, or nil when the run is over.
    /// It waits while its own windows are in flight or not yet settled by a loader (a split adds
    /// more; a window cut by a lost connection comes back to be claimed again), or while another
    /// worker holds some under a live lease (it may die; then this one takes over). Others'
    /// windows are checked every half second (one indexed count): the run is over as soon as they
    /// commit, and a dead worker's lease expiring is noticed.
    private func pauseWhileOthersWork(busy: Bool) -> TimeSpan? {
        let othersHold = ((try? control.store.windowsHeldByOthers(runId: runId, worker: worker)) ?? 0) > 0
        guard busy || othersHold else { return nil }
        return TimeSpan(nanoseconds: busy ? 100_000_000 : min(500_000_000, max(request.lease.nanoseconds / 4, 100_000_000)))
    }
}
