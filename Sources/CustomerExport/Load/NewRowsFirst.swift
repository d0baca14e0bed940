import Synchronization

/// Whether a window's staged rows are first tried as plain new rows, shared by a run's loaders.
///
/// A backfill into an empty range, the largest load a user runs, meets no key that is already in
/// the target. For such a window a plain `INSERT … SELECT` gives the same rows, counts and
/// timestamps as the merge, and costs PostgreSQL about a fifth less CPU: no `ON CONFLICT` pre-check
/// and speculative insertion per row, no sort for `DISTINCT ON`, no materialised CTE (1M dense
/// rows in 20,000-row windows, alternating runs on the same server: 29–41 s of CPU against
/// 38–48 s). The insert runs under a savepoint; the first key that exists (in the target, or twice
/// in the window after a record changed between pages) raises a unique violation, the savepoint
/// is rolled back and the window is merged as always, in the same transaction.
///
/// Windows that share a boundary instant both hold the records stamped exactly on it, so a
/// backfill meets a few existing keys anyway; those windows are merged and the run goes on trying.
/// A run where existing keys are the rule (a backfill over loaded data, a nightly run of updates,
/// a reconcile) stops trying once at least `minConflicts` windows met existing keys and they
/// outnumber the windows that went in as new. The abandoned inserts cost little: when the whole
/// window is already loaded, the insert stops at its first row. Targets with history always
/// merge: the merge also opens and closes history rows.
///
/// ```swift
/// let policy = NewRowsFirst()            // one per run, in the CommitContext of every loader
/// if policy.shouldTry { ... } else { ... }
/// policy.recordConflict()                // a window met an existing key
/// policy.recordInsertedAsNew()           // a window went in as new rows
/// ```
package final class NewRowsFirst: Sendable {
    package let minConflicts: Int
    private let conflicts = Atomic<Int>(0)
    private let insertedAsNew = Atomic<Int>(0)

    /// - Parameter minConflicts: windows that may meet existing keys before the run considers
    ///   only merging; 0 turns plain inserts off.
    package init(minConflicts: Int = 2) {
        self.minConflicts = minConflicts
    }

    /// Whether the next window should be tried as new rows.
    package var shouldTry: Bool {
        let conflicts = conflicts.load(ordering: .relaxed)
        return conflicts < minConflicts || conflicts < insertedAsNew.load(ordering: .relaxed)
    }

    /// Windows that met an existing key so far.
    package var conflictCount: Int { conflicts.load(ordering: .relaxed) }

    /// A window's plain insert met an existing key and was rolled back.
    package func recordConflict() {
        conflicts.add(1, ordering: .relaxed)
    }

    /// A window went in as new rows.
    package func recordInsertedAsNew() {
        insertedAsNew.add(1, ordering: .relaxed)
    }
}
