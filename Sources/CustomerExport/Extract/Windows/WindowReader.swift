import Dispatch
import Synchronization
import CustomerExportVocabulary
import CustomerExportConcurrency
import CustomerExportAPI

/// Reads one window completely and consistently, then tells the loader to commit it.
///
/// The fast path: the first page reveals `total`, the remaining offsets are fetched in parallel,
/// and one `limit=1` request afterwards re-reads `total`. Windows only ever shrink while being
/// read (a past `createdAt` window loses deletions; an `updatedAt` window that ends before the run
/// started loses records updated again), and offset paging skips a record only when something
/// before it leaves. So if every page and the closing request report the same total and the
/// pages held exactly that many entries, nothing left and nothing was skipped. Otherwise the
/// window is read again (rows already staged stay; the dedupe keeps the newest), up to
/// `maxReadAttempts` reads, and then marked failed with the numbers rather than done.
///
/// Without a total (bare-array envelope), pages are read ahead in parallel until a short page,
/// and a read counts as consistent when two consecutive reads saw the same number of entries.
///
/// Totals are evidence, not truth: a window is read until a page comes back short, whatever
/// `total` claimed; when every request agreed on a total that the pages contradict (an API whose
/// total ignores the filters), the window is judged as without a total, and a half that reports
/// no fewer records than its parent is not split again. A page that starts with the first page's
/// first record (an API that ignores `offset`) fails the window instead of paging forever.
public struct WindowReader: Sendable {
    package let client: CustomersAPIClient
    package let limiter: RequestLimiter
    package let sink: any WindowSink
    package let settings: WindowReadSettings
    package let events: WindowReadEvents

    package init(client: CustomersAPIClient, limiter: RequestLimiter, sink: any WindowSink, settings: WindowReadSettings, events: WindowReadEvents) {
        self.client = client
        self.limiter = limiter
        self.sink = sink
        self.settings = settings
        self.events = events
    }

    /// Reads `window` (splitting it when too large) and tells the sink the window's outcome.
    /// Returns the read summaries of every window it finished, for the run's totals.
    /// `priority` orders the requests of concurrently read windows (lower first; the run passes
    /// claim order), so windows finish one after another rather than all together.
    /// `parentTotal` is the total of the window this one is half of: a half reporting no fewer
    /// records is not split again (an API whose total ignores the date bounds would be halved
    /// forever).
    public func read(_ window: TimeWindow, priority: Int = .max, parentTotal: Int? = nil) -> [WindowReadSummary] {
        let receiver = sink.open(window)
        let summary = WindowTally()
        var previousEntries: Int?
        var observedTotals: [Int] = []
        for attempt in 1...settings.maxReadAttempts {
            summary.withLock { $0.attempts = attempt; $0.counts.driftRereads = attempt - 1 }
            let result: AttemptResult
            do throws(ExtractError) {
                result = try readOnce(window, receiver: receiver, summary: summary, allowSplit: attempt == 1, parentTotal: parentTotal, priority: priority)
            } catch .cancelled {
                sink.abandon(window)
                return []
            } catch let error {
                if case .rejected = error { events.fatal(error); sink.abandon(window); return [] }
                let current = summary.withLock { $0 }
                events.failed(window, error.description)
                sink.fail(window, current, reason: error.description)
                return [current]
            }
            switch result {
            case let .tooLarge(halves, total):
                sink.split(window, into: [halves.0, halves.1])
                return read(halves.0, priority: priority, parentTotal: total) + read(halves.1, priority: priority, parentTotal: total)
            case let .read(entries, totals, isSinglePage):
                observedTotals += totals
                let consistent: Bool
                if let first = totals.first, totals.allSatisfy({ $0 == first }), entries != first {
                    // Every request reported the same total and the pages, read to a short
                    // page, held another number: the total is not evidence of this window's
                    // size (windows only shrink while read, which would change the total).
                    // Two reads seeing the same entries must agree instead, as without a total.
                    events.totalDisagrees(window, first, entries)
                    consistent = isSinglePage || previousEntries == entries
                    previousEntries = entries
                } else if let first = totals.first {
                    consistent = totals.allSatisfy { $0 == first } && entries == first
                } else {
                    consistent = isSinglePage || previousEntries == entries
                    previousEntries = entries
                }
                if consistent {
                    let current = summary.withLock { $0 }
                    guard sink.complete(window, current) else { return [] }
                    return [current]
                }
                if attempt < settings.maxReadAttempts { events.reread(window, totals, entries) }
            }
        }
        let current = summary.withLock { $0 }
        let reason = "the window kept changing while it was read: \(settings.maxReadAttempts) reads saw \(Self.describe(totals: observedTotals)); it stays resumable"
        events.failed(window, reason)
        sink.unsettled(window, current, reason: reason)
        return [current]
    }

    /// The totals a window's requests reported, short enough for a log line or a checkpoint row
    /// however many pages reported them: `totals 120, 118, 118` or `totals from 19982 to 19956 (505 requests)`.
    package static func describe(totals: [Int]) -> String {
        guard totals.count > 6, let first = totals.first, let last = totals.last else {
            return "totals " + totals.map(String.init).joined(separator: ", ")
        }
        return "totals from \(first) to \(last) (\(totals.count) requests, between \(totals.min() ?? first) and \(totals.max() ?? first))"
    }

    package enum AttemptResult {
        case tooLarge(halves: (TimeWindow, TimeWindow), total: Int)
        /// Entries received, every total reported (empty without totals), whether one page held it all.
        case read(entries: Int, totals: [Int], isSinglePage: Bool)
    }

    private func readOnce(
        _ window: TimeWindow, receiver: any PageReceiver, summary: WindowTally, allowSplit: Bool, parentTotal: Int?, priority: Int
    ) throws(ExtractError) -> AttemptResult {
        let pageLimit = settings.pageLimit
        let firstParts = try limiter.run(priority: priority) { () throws(ExtractError) in
            try client.fetchSplittingOversized(PageRequest(window: window, offset: 0, limit: pageLimit))
        }
        let firstTotal = firstParts.lazy.compactMap(\.body.total).first
        if let total = firstTotal, total > settings.maxWindowRows, allowSplit, total < parentTotal ?? .max, let halves = window.halves() {
            return .tooLarge(halves: halves, total: total)
        }
        summary.withLock { $0.apiTotal = firstTotal }
        for part in firstParts { try absorb(part, receiver, summary) }
        let collector = PageCollector(firstPage: firstParts[0])
        collector.add(firstParts, offset: 0, pageLimit: pageLimit)
        let firstIsShort = collector.shortPageOffset != nil
        // With a total, its pages are requested at once; a short page ends the window whatever
        // the total said (jobs past it send nothing), and a total reached without a short page
        // is read on ahead: the data, not the total, says where the window ends.
        var nextOffset = pageLimit
        if let total = firstTotal, !firstIsShort {
            let offsets = Array(stride(from: pageLimit, to: total, by: pageLimit))
            try fetchInParallel(offsets, window, receiver, summary, collector, priority)
            nextOffset = (offsets.last ?? 0) + pageLimit
        }
        // Past a total, one page at a time: an honest total ends exactly on a full page.
        let batch = firstTotal == nil ? max(1, settings.readAhead) : 1
        while collector.shortPageOffset == nil {
            let offsets = (0..<batch).map { nextOffset + $0 * pageLimit }
            nextOffset += offsets.count * pageLimit
            try fetchInParallel(offsets, window, receiver, summary, collector, priority)
        }
        let isSinglePage = nextOffset == pageLimit
        if firstTotal != nil, !isSinglePage {
            // A count like the planner's: it steps past a record over the body limit at offset 0.
            let closing = try limiter.run(priority: priority) { () throws(ExtractError) in try client.fetchProbe(PageRequest(window: window, offset: 0, limit: 1)) }
            collector.addTotal(closing.body.total)
        }
        let seen = collector.snapshot
        return .read(entries: seen.entries, totals: seen.totals, isSinglePage: isSinglePage)
    }

    private func fetchInParallel(
        _ offsets: [Int], _ window: TimeWindow, _ receiver: any PageReceiver, _ summary: WindowTally, _ collector: PageCollector,
        _ priority: Int
    ) throws(ExtractError) {
        let group = DispatchGroup()
        let pageLimit = settings.pageLimit
        // All offsets are queued at once (a window holds at most maxWindowRows / pageLimit pages):
        // a slot coming free starts the next one directly. Jobs queued behind a failure or a
        // cancellation end without a request.
        for offset in offsets {
            limiter.enqueueRequest(group: group, priority: priority) { slot in
                guard collector.firstError == nil, !client.cancellation.isCancelled, offset < collector.shortPageOffset ?? .max else { return }
                do throws(ExtractError) {
                    // `fetch` gives the slot back as soon as the answer is in: another request
                    // leaves while this page is processed.
                    let request = PageRequest(window: window, offset: offset, limit: pageLimit)
                    let parts = try client.fetchSplittingOversized(request, slot: slot)
                    if collector.repeatsFirstPage(parts[0]) {
                        throw ExtractError.inconsistent(
                            problem: "offset \(offset) returned the same first record as offset 0, so the API ignores offset; check that the deployment supports offset paging",
                            request: client.url(for: request))
                    }
                    for part in parts { try absorb(part, receiver, summary) }
                    collector.add(parts, offset: offset, pageLimit: pageLimit)
                } catch {
                    collector.fail(error)
                }
            }
        }
        group.wait()
        if let error = collector.firstError { throw error }
        if client.cancellation.isCancelled { throw .cancelled }
    }

    private func absorb(_ page: FetchedPage, _ receiver: any PageReceiver, _ summary: WindowTally) throws(ExtractError) {
        guard let counts = receiver.receive(page) else { throw .cancelled }
        summary.withLock { $0.counts += counts }
    }
}

/// What the reader tells the run besides the sink's events: a request the API refused (the
/// run stops), a window given up on, a window read again because its data moved.
package struct WindowReadEvents: Sendable {
    package var fatal: @Sendable (ExtractError) -> Void
    package var failed: @Sendable (TimeWindow, String) -> Void = { _, _ in }
    /// The window, the totals its pages reported and the entries they held.
    package var reread: @Sendable (TimeWindow, [Int], Int) -> Void = { _, _, _ in }
    /// The window, the total every request reported, and the entries its pages held instead.
    package var totalDisagrees: @Sendable (TimeWindow, Int, Int) -> Void = { _, _, _ in }

    package init(
        fatal: @escaping @Sendable (ExtractError) -> Void, failed: @escaping @Sendable (TimeWindow, String) -> Void = { _, _ in },
        reread: @escaping @Sendable (TimeWindow, [Int], Int) -> Void = { _, _, _ in },
        totalDisagrees: @escaping @Sendable (TimeWindow, Int, Int) -> Void = { _, _, _ in }
    ) {
        (self.fatal, self.failed, self.reread, self.totalDisagrees) = (fatal, failed, reread, totalDisagrees)
    }
}

/// The running summary of one window, shared by its parallel page jobs.
package final class WindowTally: Sendable {
    private let state = Mutex(WindowReadSummary())

    package func withLock<T>(_ body: (inout WindowReadSummary) -> T) -> T {
        state.withLock { body(&$0) }
    }
}

/// Tallies of one read of a window, filled by parallel page jobs.
package final class PageCollector: Sendable {
    package struct Snapshot {
        package var entries = 0
        package var totals: [Int] = []
        /// The smallest offset whose page came back short: the data ends there.
        package var shortPageOffset: Int?
        package var firstError: ExtractError?
    }

    private let state = Mutex(Snapshot())
    /// The bytes of the first page's first entry: a later page starting with the same bytes
    /// means the API served offset 0 again.
    private let firstEntry: [UInt8]?

    package init(firstPage: FetchedPage) {
        let body = firstPage.body
        firstEntry = (body.records.first ?? body.rejected.first?.range).map { Array(body.bytes[$0]) }
    }

    /// The total a closing count reported (it holds no entries of its own).
    package func addTotal(_ total: Int?) {
        guard let total else { return }
        state.withLock { $0.totals.append(total) }
    }

    /// One page as fetched (one part, or several when it was read again in smaller pages).
    package func add(_ parts: [FetchedPage], offset: Int, pageLimit: Int) {
        let entries = parts.reduce(0) { $0 + $1.body.entryCount }
        state.withLock {
            $0.entries += entries
            $0.totals += parts.compactMap(\.body.total)
            if entries < pageLimit { $0.shortPageOffset = min(offset, $0.shortPageOffset ?? .max) }
        }
    }

    package func repeatsFirstPage(_ page: FetchedPage) -> Bool {
        guard let firstEntry, let range = page.body.records.first ?? page.body.rejected.first?.range else { return false }
        return range.count == firstEntry.count && page.body.bytes[range].elementsEqual(firstEntry)
    }

    package func fail(_ error: ExtractError) {
        state.withLock { if $0.firstError == nil { $0.firstError = error } }
    }

    package var snapshot: Snapshot { state.withLock { $0 } }
    package var firstError: ExtractError? { snapshot.firstError }
    package var shortPageOffset: Int? { snapshot.shortPageOffset }
}
