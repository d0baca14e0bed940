import CustomerExportCommon

/// Where `WindowReader` delivers what it reads: every page, and then the window's outcome.
///
/// Extract knows how to read a window completely and consistently, and nothing of what becomes
/// of a page. The pipeline gives the reader a sink that normalizes, dedupes, encodes and hands
/// pages to the loaders (`PageChain`); a test can give it one that just collects.
///
/// A window's outcome (`complete`, `fail`, `abandon` or `split`) comes after every page of it
/// has been delivered and is the last thing the sink hears of that window.
package protocol WindowSink: Sendable {
    /// Called once per window before its first page. The receiver takes every page of every read
    /// of this window, from several threads at once, so it is where per-window state (the
    /// deduplication of ids) lives.
    func open(_ window: TimeWindow) -> any PageReceiver
    /// The window held more than the row limit and is read as these halves instead.
    func split(_ parent: TimeWindow, into halves: [TimeWindow])
    /// The window was read consistently. Returns false when the run is ending.
    @discardableResult
    func complete(_ window: TimeWindow, _ read: WindowReadSummary) -> Bool
    /// The window could not be read; `reason` says why, for its checkpoint row.
    func fail(_ window: TimeWindow, _ read: WindowReadSummary, reason: String)
    /// Every page was delivered, but the window kept changing through every read allowed, so a
    /// record may have been skipped (offset paging past a deletion). A load fails the window (the
    /// default); a reader that can check what it lacks some other way may take the pages.
    func unsettled(_ window: TimeWindow, _ read: WindowReadSummary, reason: String)
    /// The run stopped before the window finished: it stays to be read again.
    func abandon(_ window: TimeWindow)
}

extension WindowSink {
    package func unsettled(_ window: TimeWindow, _ read: WindowReadSummary, reason: String) {
        fail(window, read, reason: reason)
    }
}

/// Takes the pages of one window.
package protocol PageReceiver: Sendable {
    /// What the page added to its window's counts, or nil once the run is ending.
    func receive(_ page: FetchedPage) -> ReadCounts?
}
