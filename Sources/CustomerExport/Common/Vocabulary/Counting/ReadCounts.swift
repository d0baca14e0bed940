/// What reading a window found, page by page: what the API sent and what normalize, the window's
/// scope and dedupe made of it. Extract returns these for a page (`PageReceiver`) and sums them
/// for a window (`WindowReadSummary`); the loader's counters are not part of them. The run's
/// totals hold them as `ExportCounts.read`.
package struct ReadCounts: Sendable, Equatable, Codable {
    package var pages = 0
    /// Records received, duplicates and poison included.
    package var rowsFetched = 0
    package var duplicates = 0
    package var stale = 0
    /// Records quarantined as they were normalized (whether or not their window committed).
    package var quarantined = 0
    /// Records outside their window, the run's range or its filters: counted, never loaded.
    package var outsideRange = 0
    /// The same records by the bound or filter each one breaks.
    package var outside = OutsideCounts()
    /// Rows the dedupe kept and handed to the loader: a committed window merges every one of
    /// them (inserted, updated or unchanged) or quarantines it when the target refuses it.
    package var rowsKept = 0
    /// Rows kept or quarantined in windows that did not commit (failed, or taken by another
    /// worker), so that `fetched = loaded + quarantined + duplicates + stale + outside + not
    /// committed` holds in every report.
    package var rowsNotCommitted = 0
    /// Re-reads caused by the data moving under the read (totals that changed between pages).
    package var driftRereads = 0

    package init() {}

    package static func += (total: inout ReadCounts, more: ReadCounts) {
        total.pages += more.pages
        total.rowsFetched += more.rowsFetched
        total.duplicates += more.duplicates
        total.stale += more.stale
        total.quarantined += more.quarantined
        total.outsideRange += more.outsideRange
        total.outside += more.outside
        total.rowsKept += more.rowsKept
        total.rowsNotCommitted += more.rowsNotCommitted
        total.driftRereads += more.driftRereads
    }
}
