import CustomerExportCommon

/// How the extract stage reads windows: sizes, limits, and the drift re-read budget. The page
/// size is the API client's (`APIConfiguration.pageLimit`), learned down by `SourceEvidence`.
///
/// Each default is written here once: `RunRequest.reading` starts from them, and the settings'
/// `--help`, reference and refusals show them from there.
package struct WindowReadSettings: Sendable {
    /// A window whose API total exceeds this is split in halves, so that no single window is too
    /// large to retry or resume cheaply.
    package var maxWindowRows = 50_000
    /// Reads of one window before it is declared failed because its data kept moving.
    package var maxReadAttempts = 5
    /// Pages requested ahead in parallel when the envelope gives no total.
    package var readAhead = 4
    /// Whether a window whose reads never accounted for themselves is cut into parts read in one
    /// page each (a run) or handed to the sink as unsettled (verify, which looks up by id what
    /// its reads lacked).
    package var cutsUnsettledWindows = true

    package init() {}

    /// The check between these settings and the page size: a window's row limit below one page
    /// could never be met by splitting.
    package func validate(pageLimit: Int) throws(ExportError) {
        guard maxWindowRows >= pageLimit else {
            throw .configuration("--max-window-rows (\(maxWindowRows)) must be at least the page size (\(pageLimit))")
        }
    }

    /// Whether a window the API counts `total` records in is split in halves before it is read;
    /// the run's plan preview counts the windows this rule splits.
    package func splits(windowOf total: Int) -> Bool { total > maxWindowRows }

    /// The largest part the planner ranks into windows (and never below its target): the
    /// reader's own largest window, so the planner's offsets are never deeper than the reader's.
    package func rankedPartRows(targetRows: Int) -> Int { max(targetRows, maxWindowRows) }

    /// Rows of offsets one read plans at once, however large a total the API reports: twice the
    /// row limit (a total no split narrows is not a plan to hold in memory).
    package func offsetsPlannedAtOnce(pageLimit: Int) -> Int { 2 * max(maxWindowRows, pageLimit) }

    /// How verify reads with these settings: at most two reads a window, and a window whose reads
    /// never account for themselves handed to the sink as unsettled, not cut: verify looks up by
    /// id what its reads lacked.
    package var forComparison: WindowReadSettings {
        var settings = self
        settings.maxReadAttempts = min(maxReadAttempts, 2)
        settings.cutsUnsettledWindows = false
        return settings
    }

    /// Splits a window that never accounted for itself may be cut into, all its parts together:
    /// enough for parts of one page each across twice the row limit, and a margin for bulk instants.
    package func cutSplits(pageLimit: Int) -> Int { 2 * max(1, maxWindowRows / max(1, pageLimit)) + 64 }
}
