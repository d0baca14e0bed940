import LibPQ
import CustomerExportCommon

/// What a run needs to know when a window commits; the incremental run's watermark in particular.
package struct CommitContext: Sendable {
    package var runId: Int64
    package var pipeline: String
    package var mode: RunMode
    /// For incremental runs: where the watermark moves once every window is done.
    package var watermarkOnCompletion: Timestamp?
    /// Reconcile runs: mark rows of each completed window that the API no longer returned.
    package var marksDeletions = false
    /// The run's exclusive upper bound: rows stamped on or after it belong to no window.
    package var rangeEnd: Timestamp
    /// Who this process is in `claimed_by`/`completed_by`, and how long its claims last.
    package var worker: String
    package var lease: TimeSpan
    /// The claims this process holds; the loader drops them as windows commit, fail or are given back.
    package var claims: ClaimRegistry
    /// Where the run's checkpoints live; each loader writes them through a `StateStore` on its own
    /// connection, inside the window's transaction.
    package var state: StateSchema
    /// Shared by the run's loaders: whether windows are still tried as plain new rows.
    package var newRowsFirst = NewRowsFirst()

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
