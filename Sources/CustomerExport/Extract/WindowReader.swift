import Dispatch
import Synchronization

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
public struct WindowReader: Sendable {
    let client: CustomersAPIClient
    let limiter: RequestLimiter
    let sink: any WindowSink
    let settings: WindowReadSettings
    let events: WindowReadEvents

    init(client: CustomersAPIClient, limiter: RequestLimiter, sink: any WindowSink, settings: WindowReadSettings, events: WindowReadEvents) {
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
    public func read(_ window: TimeWindow, priority: Int = .max) -> [WindowReadSummary] {
        let receiver = sink.open(window)
        let summary = WindowTally()
        var previousEntries: Int?
        var observedTotals: [Int] = []
        for attempt in 1...settings.maxReadAttempts {
            summary.withLock { $0.attempts = attempt; $0.counts.driftRereads = attempt - 1 }
            let result: AttemptResult
            do throws(ExtractError) {
                result = try readOnce(window, receiver: receiver, summary: summary, allowSplit: attempt == 1, priority: priority)
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
            case let .tooLarge(halves):
                sink.split(window, into: [halves.0, halves.1])
                return read(halves.0, priority: priority) + read(halves.1, priority: priority)
            case let .read(entries, totals, isSinglePage):
                observedTotals += totals
                let consistent: Bool
                if let first = totals.first {
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
        let reason = "the window kept changing while it was read: \(settings.maxReadAttempts) reads saw totals \(observedTotals.map(String.init).joined(separator: ", ")); it stays resumable"
        events.failed(window, reason)
        sink.fail(window, current, reason: reason)
        return [current]
    }

    enum AttemptResult {
        case tooLarge(halves: (TimeWindow, TimeWindow))
        /// Entries received, every total reported (empty without totals), whether one page held it all.
        case read(entries: Int, totals: [Int], isSinglePage: Bool)
    }

    private func readOnce(
        _ window: TimeWindow, receiver: any PageReceiver, summary: WindowTally, allowSplit: Bool, priority: Int
    ) throws(ExtractError) -> AttemptResult {
        let pageSize = settings.pageSize
        let first = try limiter.run(priority: priority) { () throws(ExtractError) in try client.fetch(PageRequest(window: window, offset: 0, limit: pageSize)) }
        if let total = first.body.total, total > settings.maxWindowRows, allowSplit, let halves = window.halves() {
            return .tooLarge(halves: halves)
        }
        summary.withLock { $0.apiTotal = first.body.total }
        try absorb(first, receiver, summary)
        let collector = PageCollector()
        collector.add(entries: first.body.records.count, total: first.body.total)
        if let total = first.body.total {
            let offsets = Array(stride(from: pageSize, to: total, by: pageSize))
            try fetchInParallel(offsets, window, receiver, summary, collector, priority)
            if !offsets.isEmpty {
                let closing = try limiter.run(priority: priority) { () throws(ExtractError) in try client.fetch(PageRequest(window: window, offset: 0, limit: 1)) }
                collector.add(entries: 0, total: closing.body.total)
            }
            let seen = collector.snapshot
            return .read(entries: seen.entries, totals: seen.totals, isSinglePage: offsets.isEmpty)
        }
        // No total: read ahead in parallel batches until a page comes back short.
        guard first.body.records.count >= pageSize else {
            return .read(entries: first.body.records.count, totals: [], isSinglePage: true)
        }
        var nextOffset = pageSize
        while !collector.sawShortPage {
            let offsets = (0..<max(1, settings.readAhead)).map { nextOffset + $0 * pageSize }
            nextOffset += offsets.count * pageSize
            try fetchInParallel(offsets, window, receiver, summary, collector, priority)
        }
        return .read(entries: collector.snapshot.entries, totals: [], isSinglePage: false)
    }

    private func fetchInParallel(
        _ offsets: [Int], _ window: TimeWindow, _ receiver: any PageReceiver, _ summary: WindowTally, _ collector: PageCollector,
        _ priority: Int
    ) throws(ExtractError) {
        let group = DispatchGroup()
        let pageSize = settings.pageSize
        // All offsets are queued at once (a window holds at most maxWindowRows / pageSize pages):
        // a slot coming free starts the next one directly. Jobs queued behind a failure or a
        // cancellation end without a request.
        for offset in offsets {
            limiter.enqueueRequest(group: group, priority: priority) { slot in
                guard collector.firstError == nil, !client.cancellation.isCancelled else { return }
                do throws(ExtractError) {
                    // `fetch` gives the slot back as soon as the answer is in: another request
                    // leaves while this page is processed.
                    let page = try client.fetch(PageRequest(window: window, offset: offset, limit: pageSize), slot: slot)
                    try absorb(page, receiver, summary)
                    collector.add(entries: page.body.records.count, total: page.body.total, short: page.body.records.count < pageSize)
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
struct WindowReadEvents: Sendable {
    var fatal: @Sendable (ExtractError) -> Void
    var failed: @Sendable (TimeWindow, String) -> Void = { _, _ in }
    /// The window, the totals its pages reported and the entries they held.
    var reread: @Sendable (TimeWindow, [Int], Int) -> Void = { _, _, _ in }
}

/// The running summary of one window, shared by its parallel page jobs.
final class WindowTally: Sendable {
    private let state = Mutex(WindowReadSummary())

    func withLock<T>(_ body: (inout WindowReadSummary) -> T) -> T {
        state.withLock { body(&$0) }
    }
}

/// Tallies of one read of a window, filled by parallel page jobs.
final class PageCollector: Sendable {
    struct Snapshot {
        var entries = 0
        var totals: [Int] = []
        var sawShortPage = false
        var firstError: ExtractError?
    }

    private let state = Mutex(Snapshot())

    func add(entries: Int, total: Int?, short: Bool = false) {
        state.withLock {
            $0.entries += entries
            if let total { $0.totals.append(total) }
            if short { $0.sawShortPage = true }
        }
    }

    func fail(_ error: ExtractError) {
        state.withLock { if $0.firstError == nil { $0.firstError = error } }
    }

    var snapshot: Snapshot { state.withLock { $0 } }
    var firstError: ExtractError? { snapshot.firstError }
    var sawShortPage: Bool { snapshot.sawShortPage }
}
