/// How the extract stage reads windows: sizes, limits, and the drift re-read budget.
public struct WindowReadSettings: Sendable {
    /// Records per page request.
    public var pageSize: Int
    /// A window whose API total exceeds this is split in halves, so that no single window is too
    /// large to retry or resume cheaply.
    public var maxWindowRows: Int
    /// Reads of one window before it is declared failed because its data kept moving.
    public var maxReadAttempts: Int
    /// Pages requested ahead in parallel when the envelope gives no total.
    public var readAhead: Int
    /// Records whose key timestamp is at or after this instant are outside the run's range
    /// (an exclusive upper bound, e.g. `--to 2025-01-01`): the API's inclusive bound returns
    /// them, and they are counted, not loaded.
    public var excludeFrom: Timestamp?

    public init(pageSize: Int = 200, maxWindowRows: Int = 50_000, maxReadAttempts: Int = 5, readAhead: Int = 4, excludeFrom: Timestamp? = nil) {
        self.pageSize = pageSize
        self.maxWindowRows = maxWindowRows
        self.maxReadAttempts = maxReadAttempts
        self.readAhead = readAhead
        self.excludeFrom = excludeFrom
    }
}
