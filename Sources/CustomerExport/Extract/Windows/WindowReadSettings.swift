/// How the extract stage reads windows: sizes, limits, and the drift re-read budget. The page
/// size is the API client's (`APIConfiguration.pageLimit`), learned down by `SourceEvidence`.
///
/// Each default is written here once: `RunRequest.reading` starts from them, and the settings'
/// `--help`, reference and refusals show them from there.
public struct WindowReadSettings: Sendable {
    /// A window whose API total exceeds this is split in halves, so that no single window is too
    /// large to retry or resume cheaply.
    public var maxWindowRows = 50_000
    /// Reads of one window before it is declared failed because its data kept moving.
    public var maxReadAttempts = 5
    /// Pages requested ahead in parallel when the envelope gives no total.
    public var readAhead = 4
    /// Whether a window whose reads never accounted for themselves is cut into parts read in one
    /// page each (a run) or handed to the sink as unsettled (verify, which looks up by id what
    /// its reads lacked).
    public var cutsUnsettledWindows = true

    public init() {}

    /// Whether a window the API counts `total` records in is split in halves before it is read;
    /// the run's plan preview counts the windows this rule splits.
    public func splits(windowOf total: Int) -> Bool { total > maxWindowRows }
}
