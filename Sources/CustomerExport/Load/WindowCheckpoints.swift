import LibPQ
import CustomerExportVocabulary

/// The checkpoint writes a loader makes on its own connection, inside a window's transaction,
/// so that a window's rows, its quarantine entries, its "done" mark and (for the last window of
/// an incremental run) the watermark commit together or not at all.
///
/// Load says what it needs; the state store (`StateStore`, in State) provides it, and the
/// pipeline connects the two (`CommitContext.checkpoints`), so no stage names another.
public protocol WindowCheckpoints {
    /// The window's load id (its checkpoint row, locked until the transaction ends) when this
    /// worker may still commit it; nil when another worker completed or took it over. Every row
    /// the commit writes carries the id in `load_id`.
    func loadId(completing runId: Int64, window: TimeWindow, worker: String) throws(PostgresError) -> Int64?
    func markDone(runId: Int64, window: TimeWindow, read: WindowReadSummary, load: ExportCounts, worker: String) throws(PostgresError)
    func markFailed(runId: Int64, window: TimeWindow, read: WindowReadSummary, reason: String) throws(PostgresError)
    func markSplit(runId: Int64, parent: TimeWindow, children: [TimeWindow], worker: String, lease: TimeSpan) throws(PostgresError)
    /// Gives the window back (pending, unclaimed); true when this worker still held it.
    @discardableResult
    func releaseClaim(runId: Int64, window: TimeWindow, worker: String) throws(PostgresError) -> Bool
    func recordQuarantine(runId: Int64, window: TimeWindow, target: TargetTable, _ records: [QuarantinedRecord]) throws(PostgresError)
    /// Serialises the completions of one run's windows until the transaction ends.
    func lockRun(_ runId: Int64) throws(PostgresError)
    /// Windows of the run not yet done.
    func remainingWindows(runId: Int64) throws(PostgresError) -> Int
    func advanceWatermark(runId: Int64, pipeline: String, target: TargetTable, to watermark: Timestamp) throws(PostgresError)
}
