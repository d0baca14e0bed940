/// Whether a run fills a historical range once or follows changes night after night.
public enum RunMode: String, Sendable, Codable {
    /// `createdAt` windows over a fixed range.
    case backfill
    /// `updatedAt` windows from the stored watermark; the watermark advances when all are done.
    case incremental
    /// `createdAt` windows over a fixed range, like a backfill, that also marks rows the API no
    /// longer returns with `deleted_at` (the API has no tombstones). Never skipped as "done":
    /// each reconcile is a new look at the source.
    case reconcile
}

/// Lifecycle of a run row: `running` until every window is done (`done`), some failed (`failed`),
/// or the process was stopped (`interrupted`); `superseded` when `--restart` replaced it.
public enum RunStatus: String, Sendable, Codable {
    case planned, running, done, failed, interrupted, superseded
}

/// A run as the state tables hold it.
public struct RunRecord: Sendable, Equatable {
    public var id: Int64
    public var pipeline: String
    public var identity: String
    public var mode: RunMode
    public var field: WindowField
    public var rangeFrom: Timestamp
    public var rangeTo: Timestamp
    public var status: RunStatus
}

/// Counts of a run's windows by status, for `status` and for deciding how a run ended.
public struct WindowCounts: Sendable, Equatable, Codable {
    public var pending = 0
    public var done = 0
    public var failed = 0
    public var split = 0
    public var total: Int { pending + done + failed }
}
