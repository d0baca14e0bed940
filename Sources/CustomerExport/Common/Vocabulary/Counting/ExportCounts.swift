/// Every number the pipeline counts, from one page up to the run's report.
///
/// A loader's totals and the run's totals are this type, added up with `+=`; what reading found
/// is its `read` part (`ReadCounts`, the type Extract returns for a page and a window), read
/// through it as if its fields were this type's own (`counts.rowsFetched`). A new counter is a
/// field here or there (and its line in `+=`) plus where the report shows it.
///
/// ```swift
/// var run = ExportCounts()
/// run += windowRead      // pages, rowsFetched, duplicates, ... what the reader counted
/// run += loaderTotals    // inserted, updated, windowsDone, copySeconds, ... from a loader
/// ```
@dynamicMemberLookup
package struct ExportCounts: Sendable, Equatable, Codable {
    /// What reading found, page by page (Extract's own counts; see `ReadCounts`).
    package var read = ReadCounts()

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
        total.read += more.read
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

    package static func += (total: inout ExportCounts, more: ReadCounts) {
        total.read += more
    }

    package subscript<Value>(dynamicMember keyPath: WritableKeyPath<ReadCounts, Value>) -> Value {
        get { read[keyPath: keyPath] }
        set { read[keyPath: keyPath] = newValue }
    }
}
