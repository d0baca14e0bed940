import LibPQ
import CustomerExportCommon
import CustomerExportState

/// Loads through one libpq connection of its own: COPY into per-window temporary tables as pages
/// arrive, then, when a window is complete, merge + checkpoint in a single transaction.
///
/// A run has several loaders (`loaders`, four by default), each on a thread of its own with its
/// own connection and channel. `LoadRouter` pins every window to one loader, so a window's
/// events arrive in the order they were sent and no two loaders touch one window's rows or
/// checkpoint; completions of one run are serialised by `StateStore.lockRun`. If the process dies
/// at any instant, either the window's transaction committed (data and "done" together) or
/// nothing of it is visible: its temporary table dies with the session and the window is read
/// again on resume.
///
/// A class because it owns the connection: it closes it when the loader goes away.
package final class PostgresLoader {
    /// Replaced when a lost connection is reopened (`recover`).
    package internal(set) var connection: PostgresConnection
    package let target: TargetTable
    /// The checkpoint writes on `connection`; made anew when the connection is reopened.
    package internal(set) var state: StateStore
    package let context: CommitContext
    package var stagingTables: [TimeWindow: StagingTable] = [:]
    package var quarantined: [TimeWindow: [QuarantinedRecord]] = [:]
    private var nextStagingNumber = 0
    package var totals = ExportCounts()
    /// Windows whose staged rows died with a lost connection: their events are dropped until the
    /// last one, which gives the window back to be read again (see `PostgresLoader+Recovery`).
    package var redo: Set<TimeWindow> = []
    /// Reopens a lost connection within the run's budget; nil: a lost connection ends the load.
    package let reconnector: DatabaseReconnector?
    package let health: ServiceHealth?
    /// Bounds each statement's wait for another session's lock, and tries again (`LockWaits`).
    package let lockWaits: LockWaits?
    /// Set when a stop signal is cancelling statements: a statement cancelled then is an
    /// interruption (exit 5), not a database failure.
    package let cancellation: CancellationToken?
    /// Called after each window commits, for progress output and metrics.
    package let onWindowCommitted: (@Sendable (TimeWindow, WindowReadSummary, ExportCounts) -> Void)?

    /// - Parameters:
    ///   - connection: the loader's own session; it is closed with the loader.
    ///   - lockWaits: already configured on `connection`; configured again on a reopened one.
    ///   - reconnector: nil when a lost connection should end the load instead of being reopened.
    package init(
        connection: PostgresConnection, target: TargetTable, context: CommitContext, lockWaits: LockWaits? = nil,
        reconnector: DatabaseReconnector? = nil, health: ServiceHealth? = nil, cancellation: CancellationToken? = nil,
        onWindowCommitted: (@Sendable (TimeWindow, WindowReadSummary, ExportCounts) -> Void)? = nil
    ) {
        self.connection = connection
        self.target = target
        self.state = StateStore(schema: context.state, connection: connection)
        self.context = context
        self.lockWaits = lockWaits
        self.reconnector = reconnector
        self.health = health
        self.cancellation = cancellation
        self.onWindowCommitted = onWindowCommitted
    }

    deinit {
        connection.close()
    }

    package func run(_ events: BoundedChannel<LoadEvent>) throws(ExportError) -> ExportCounts {
        do throws(ExportError) {
            while true {
                let waited = Timestamp.now()
                let batch = events.receive(upTo: 64)
                totals.idleSeconds += Timestamp.now().secondsSinceEpoch - waited.secondsSinceEpoch
                if batch.isEmpty { break }
                try handleRecovering(batch)
            }
        } catch {
            events.abandon()
            throw error
        }
        return totals
    }

    /// Handles a batch; when the connection (not a statement) fails, reopens it and handles the
    /// batch again with every window it touched marked for a redo.
    private func handleRecovering(_ batch: [LoadEvent]) throws(ExportError) {
        while true {
            do {
                try handle(batch)
                return
            } catch let error where error.isConnectionFailure && reconnector != nil {
                try recover(from: error, cutting: batch)
                do { try lockWaits?.configure(connection) } catch { throw DatabaseSession.describe(error, connectionString: "") }
            } catch let error where [SQLState.queryCanceled, SQLState.lockNotAvailable].contains(error.sqlState) && cancellation?.isCancelled == true {
                throw .interrupted("a statement on \(target.displayName) was cancelled to stop in time; its window stays to be read again")
            } catch {
                throw .database("loading into \(target.displayName) failed: \(DatabaseSession.describe(error, connectionString: "").message)")
            }
        }
    }

    private func handle(_ batch: [LoadEvent]) throws(PostgresError) {
        // Pages of one window travel in a single COPY however windows interleave in the batch;
        // a window's other events still come after its pages, which is the only order that matters.
        var pages: [TimeWindow: [LoadEvent]] = [:]
        var firstSeen: [TimeWindow] = []
        for event in batch {
            if redo.contains(event.window) {
                try applyRedo(event)
                continue
            }
            if case let .stage(window, _, _) = event {
                if pages[window] == nil { firstSeen.append(window) }
                pages[window, default: []].append(event)
                continue
            }
            if let waiting = pages.removeValue(forKey: event.window) { try copy(event.window, waiting) }
            try apply(event)
        }
        for window in firstSeen {
            if let waiting = pages.removeValue(forKey: window) { try copy(window, waiting) }
        }
    }

    package func apply(_ event: LoadEvent) throws(PostgresError) {
        switch event {
        case .stage:
            preconditionFailure("pages are copied by handle(_:)")
        case let .quarantine(window, records):
            quarantined[window, default: []].append(contentsOf: records)
        case let .split(parent, children):
            // A window cut after reads that never accounted for themselves has pages staged:
            // its parts are read whole again, so nothing of the parent's may be merged.
            try dropStaging(parent)
            try state.markSplit(runId: context.runId, parent: parent, children: children, worker: context.worker, lease: context.lease)
            for child in children { context.claims.add(child) }
            context.claims.remove(parent)
            totals.windowsSplit += 1
        case let .complete(window, summary):
            try complete(window, summary)
        case let .fail(window, summary, reason):
            try dropStaging(window)
            try state.markFailed(runId: context.runId, window: window, read: summary, reason: reason)
            context.claims.remove(window)
            totals.windowsFailed += 1
        case let .abandon(window):
            try dropStaging(window)
            try state.releaseClaim(runId: context.runId, window: window, worker: context.worker)
            context.claims.remove(window)
            totals.windowsAbandoned += 1
        }
    }

    private func stagingTable(for window: TimeWindow) throws(PostgresError) -> StagingTable {
        if let table = stagingTables[window] { return table }
        nextStagingNumber += 1
        let table = try StagingTable.create("pg_temp.customer_export_stage_\(nextStagingNumber)", on: connection)
        stagingTables[window] = table
        return table
    }

    private func copy(_ window: TimeWindow, _ events: [LoadEvent]) throws(PostgresError) {
        let table = try stagingTable(for: window)
        let started = Timestamp.now()
        let chunks = events.compactMap { event -> [UInt8]? in
            if case let .stage(_, bytes, _) = event { return bytes }
            return nil
        }
        // Values PostgreSQL refuses are set aside one line at a time, not the window's failure.
        let copied = try StagingCopy.copyBisecting(chunks, into: table.name, on: connection)
        totals.rowsStaged += copied.rows
        if !copied.refused.isEmpty { quarantined[window, default: []] += copied.refused.map(\.quarantined) }
        totals.copySeconds += Timestamp.now().secondsSinceEpoch - started.secondsSinceEpoch
    }

    private func complete(_ window: TimeWindow, _ summary: WindowReadSummary) throws(PostgresError) {
        let started = Timestamp.now()
        let committed: (load: ExportCounts, quarantined: Int)?
        do {
            committed = try commitRetrying(window, summary, inParts: false)
        } catch where stagingTables[window] != nil && PartedMerge.canHelp(with: error, stopping: cancellation?.isCancelled == true) {
            committed = try commitRetrying(window, summary, inParts: true)
        }
        context.claims.remove(window)
        guard let (load, quarantinedCount) = committed else {
            try dropStaging(window)
            totals.windowsLost += 1
            totals.rowsNotCommitted += summary.rowsForCommit
            return
        }
        stagingTables[window] = nil
        quarantined[window] = nil
        var committedCounts = load
        committedCounts.quarantineStored = quarantinedCount
        committedCounts.windowsDone = 1
        committedCounts.mergeSeconds = Timestamp.now().secondsSinceEpoch - started.secondsSinceEpoch
        totals += committedCounts
        onWindowCommitted?(window, summary, load)
    }

    /// The window's transaction (see `commit`), tried again while another session's lock is
    /// in the way (`LockWaits`) or PostgreSQL broke a lock cycle.
    private func commitRetrying(
        _ window: TimeWindow, _ summary: WindowReadSummary, inParts: Bool
    ) throws(PostgresError) -> (load: ExportCounts, quarantined: Int)? {
        let attempt = { () throws(PostgresError) -> (load: ExportCounts, quarantined: Int)? in
            try Self.retryingConflicts { () throws(PostgresError) in try self.commit(window, summary, inParts: inParts) }
        }
        if let lockWaits { return try lockWaits.retrying(attempt) }
        return try attempt()
    }

    /// Merge, deletions, quarantine and checkpoint of one window in one transaction; nil when the
    /// window is no longer this worker's to complete. `inParts` merges by ranges of ids, setting
    /// aside the records the target refuses (`PartedMerge`).
    private func commit(_ window: TimeWindow, _ summary: WindowReadSummary, inParts: Bool) throws(PostgresError) -> (load: ExportCounts, quarantined: Int)? {
        let staging = stagingTables[window]
        var records = quarantined[window] ?? []
        let (context, target, state) = (self.context, self.target, self.state)
        return try connection.transaction { () throws(PostgresError) -> (load: ExportCounts, quarantined: Int)? in
            guard let loadId = try state.loadId(completing: context.runId, window: window, worker: context.worker) else { return nil }
            var load = ExportCounts()
            if let staging {
                let merged = try staging.merge(into: target, inParts: inParts, newRowsFirst: context.newRowsFirst, loadId: loadId, on: connection)
                load = merged.load
                records += merged.refused
            }
            if context.marksDeletions {
                load.markedDeleted = try DeletionMarker(target: target, stagingTable: staging?.name, loadId: loadId)
                    .mark(window: window, rangeEnd: context.rangeEnd, quarantined: records, on: connection)
            }
            try staging?.drop(on: connection)
            if !records.isEmpty {
                try state.recordQuarantine(runId: context.runId, window: window, target: target, records)
            }
            try state.markDone(runId: context.runId, window: window, read: summary, load: load, worker: context.worker)
            if let watermark = context.watermarkOnCompletion {
                // Commits of the run's last windows queue here; the one that gets the lock
                // last sees every other window done (a fresh snapshot per statement), so
                // exactly one of them moves the watermark.
                try state.lockRun(context.runId)
                if try state.remainingWindows(runId: context.runId) == 0 {
                    try state.advanceWatermark(runId: context.runId, pipeline: context.pipeline, target: target, to: watermark)
                }
            }
            return (load, records.count)
        }
    }

    /// Merges of different loaders and workers run concurrently and may touch the same rows (a
    /// record on a window boundary, one updated into a later window, a poison payload seen twice).
    /// PostgreSQL resolves a lock cycle by aborting one transaction; that transaction rolled back
    /// completely and its staged rows are still there (staging lives outside it), so it is simply
    /// run again.
    package static func retryingConflicts<T>(attempts: Int = 5, _ body: () throws(PostgresError) -> T) throws(PostgresError) -> T {
        var attempt = 1
        while true {
            do {
                return try body()
            } catch let error where attempt < attempts && SQLState.isRetryableConflict(error.sqlState) {
                attempt += 1
            }
        }
    }

    private func dropStaging(_ window: TimeWindow) throws(PostgresError) {
        quarantined[window] = nil
        try stagingTables.removeValue(forKey: window)?.drop(on: connection)
    }
}
