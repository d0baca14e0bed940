
/// How the extract stage reads windows: sizes, limits, and the drift re-read budget.
public struct WindowReadSettings: Sendable {
    /// Records per page request.
    public var pageLimit: Int
    /// A window whose API total exceeds this is split in halves, so that no single window is too
    /// large to retry or resume cheaply.
    public var maxWindowRows: Int
    /// Reads of one window before it is declared failed because its data kept moving.
    public var maxReadAttempts: Int
    /// Pages requested ahead in parallel when the envelope gives no total.
    public var readAhead: Int
    /// Whether a window whose reads never accounted for themselves is cut into parts read in one
    /// page each (a run) or handed to the sink as unsettled (verify, which looks up by id what
    /// its reads lacked).
    public var cutsUnsettledWindows: Bool

    public init(pageLimit: Int = 200, maxWindowRows: Int = 50_000, maxReadAttempts: Int = 5, readAhead: Int = 4, cutsUnsettledWindows: Bool = true) {
        self.cutsUnsettledWindows = cutsUnsettledWindows
        self.pageLimit = pageLimit
        self.maxWindowRows = maxWindowRows
        self.maxReadAttempts = maxReadAttempts
        self.readAhead = readAhead
    }
}
