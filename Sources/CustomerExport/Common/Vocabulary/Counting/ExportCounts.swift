/// Every number the pipeline counts, from one page up to the run's report.
///
/// A page's counts, a window's read, a window's merge, a loader's totals and the run's totals are
/// all this one type, added up with `+=`, so that a new counter is a new field here (and its line
/// in `+=`) plus where the report shows it. Stages fill the fields they know; the rest stay 0.
///
/// ```swift
/// var run = ExportCounts()
/// run += pageCounts      // pages, rowsFetched, duplicates, ... from the per-page chain
/// run += loaderTotals    // inserted, updated, windowsDone, copySeconds, ... from a loader
/// ```
package struct ExportCounts: Sendable, Equatable, Codable {
    // Read, per page: what the API sent and what normalize and dedupe made of it.
    package var pages = 0
    /// Records received, duplicates and poison included.
    package var rowsFetched = 0
    package var duplicates = 0
    package var stale = 0
    /// Records quarantined as they were normalized (whether or not their window committed).
    package var quarantined = 0
    /// Records outside their window, the run's range or its filters: counted, never loaded.
    package var outsideRange = 0
    /// The same records by the bound or filter each one breaks.
    package var outside = OutsideCounts()
    /// Rows the dedupe kept and handed to the loader: a committed window merges every one of
    /// them (inserted, updated or unchanged) or quarantines it when the target refuses it.
    package var rowsKept = 0
    /// Rows kept or quarantined in windows that did not commit (failed, or taken by another
    /// worker), so that `fetched = loaded + quarantined + duplicates + stale + outside + not
    /// committed` holds in every report.
    package var rowsNotCommitted = 0
    /// Re-reads caused by the data moving under the read (totals that changed between pages).
    package var driftRereads = 0

    // Load, per window merged: what reached the target.
    package var rowsStaged = 0
    package var inserted = 0
    package var updated = 0
    /// Merged but identical to what the table already had, or older than it (stale).
    package var unchanged = 0
    /// Reconcile: rows of the window the API no longer returns, now marked with `deleted_at`.
    package var markedDeleted = 0
    /// Quarantine entries committed with their window.
    package var quarantineStored = 0

    // Windows, as loaders finished them.
    package var windowsDone = 0
    package var windowsFailed = 0
    package var windowsSplit = 0
    package var windowsAbandoned = 0
    /// Windows another worker completed (or took over) first; this copy was discarded.
    package var windowsLost = 0
    /// Windows whose rows were all new to the target, inserted without the merge (`NewRowsFirst`).
    package var windowsInsertedAsNew = 0

    // Where the loaders' time went.
    package var copySeconds = 0.0
    package var mergeSeconds = 0.0
    /// Time spent waiting on the channel for the next events.
    package var idleSeconds = 0.0

    package init() {}

    package static func += (total: inout ExportCounts, more: ExportCounts) {
        total.pages += more.pages
        total.rowsFetched += more.rowsFetched
        total.duplicates += more.duplicates
        total.stale += more.stale
        total.quarantined += more.quarantined
        total.outsideRange += more.outsideRange
        total.outside += more.outside
        total.rowsKept += more.rowsKept
        total.rowsNotCommitted += more.rowsNotCommitted
        total.driftRereads += more.driftRereads
        total.rowsStaged += more.rowsStaged
        total.inserted += more.inserted
        total.updated += more.updated
        total.unchanged += more.unchanged
        total.markedDeleted += more.markedDeleted
        total.quarantineStored += more.quarantineStored
        total.windowsDone += more.windowsDone
        total.windowsFailed += more.windowsFailed
        total.windowsSplit += more.windowsSplit
        total.windowsAbandoned += more.windowsAbandoned
        total.windowsLost += more.windowsLost
        total.windowsInsertedAsNew += more.windowsInsertedAsNew
        total.copySeconds += more.copySeconds
        total.mergeSeconds += more.mergeSeconds
        total.idleSeconds += more.idleSeconds
    }
}
