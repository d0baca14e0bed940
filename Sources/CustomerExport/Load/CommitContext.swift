import LibPQ
import CustomerExportCommon

/// What a run needs to know when a window commits; the incremental run's watermark in particular.
public struct CommitContext: Sendable {
    public var runId: Int64
    public var pipeline: String
    public var mode: RunMode
    /// For incremental runs: where the watermark moves once every window is done.
    public var watermarkOnCompletion: Timestamp?
    /// Reconcile runs: mark rows of each completed window that the API no longer returned.
    public var marksDeletions = false
    /// The run's exclusive upper bound: rows stamped on or after it belong to no window.
    public var rangeEnd: Timestamp
    /// Who this process is in `claimed_by`/`completed_by`, and how long its claims last.
    public var worker: String
    public var lease: TimeSpan
    /// The claims this process holds; the loader drops them as windows commit, fail or are given back.
    public var claims: ClaimRegistry
    /// Where the run's checkpoints live; each loader writes them through a `StateStore` on its own
    /// connection, inside the window's transaction.
    public var state: StateSchema
    /// Shared by the run's loaders: whether windows are still tried as plain new rows.
    public var newRowsFirst = NewRowsFirst()

    package init(runId: Int64, pipeline: String, mode: RunMode, watermarkOnCompletion: Timestamp? = nil, marksDeletions: Bool = false, rangeEnd: Timestamp, worker: String, lease: TimeSpan, claims: ClaimRegistry, state: StateSchema, newRowsFirst: NewRowsFirst = NewRowsFirst()) {
        self.runId = runId
        self.pipeline = pipeline
        self.mode = mode
        self.watermarkOnCompletion = watermarkOnCompletion
        self.marksDeletions = marksDeletions
        self.rangeEnd = rangeEnd
        self.worker = worker
        self.lease = lease
        self.claims = claims
        self.state = state
        self.newRowsFirst = newRowsFirst
    }
}
