import Synchronization
import CustomerExportCommon

/// Reads one window completely, proves it, then tells the sink to commit it.
///
/// The API's numbers and paging are evidence, not truth. A window is done only when one read of
/// it accounts for itself (see `ReadLedger` for how a read proves its end and fills its gaps):
///
/// - **with a total that held still**, the read's distinct entries (loaded, quarantined or
///   dropped as outside the window) equal it. Windows only shrink while read (a past `createdAt`
///   window loses deletions), and offset paging skips a record only when something before it
///   leaves, so every request agreeing on a total that the distinct entries match proves nothing
///   was skipped;
/// - **without a believable total** (a bare array, a `meta.total` that cannot be true, or a still
///   total the distinct entries contradict, as a total that ignores the filters does), two reads
///   in a row counted the same distinct entries;
/// - **either way**, a read whose first page held the whole window (its end proven) is a snapshot
///   of one instant, which offsets cannot have moved under.
///
/// A read that proves nothing is read again (rows already staged stay; the dedupe keeps the
/// newest), up to `maxReadAttempts` reads. When the evidence still contradicts itself, the reader
/// does not guess: it cuts the window into parts small enough that each is read in one page,
/// where offset and order no longer matter. A part that cannot be cut (one instant holding more
/// records than a page) fails with its reason and stays resumable.
///
/// A page that starts with the first page's first record (an API that ignores `offset`) fails
/// the window instead of paging forever. The page size the server really serves is learned from
/// the first short page that has records after it (`SourceEvidence`), for every later window.
package struct WindowReader: Sendable {
    package let client: CustomersAPIClient
    package let limiter: RequestLimiter
    package let sink: any WindowSink
    package let settings: WindowReadSettings
    package let events: WindowReadEvents
    package let evidence: SourceEvidence

    package init(
        client: CustomersAPIClient, limiter: RequestLimiter, sink: any WindowSink, settings: WindowReadSettings, events: WindowReadEvents,
        evidence: SourceEvidence? = nil
    ) {
        self.client = client
        self.limiter = limiter
        self.sink = sink
        self.settings = settings
        self.events = events
        self.evidence = evidence ?? SourceEvidence(pageLimit: client.configuration.pageLimit, field: .createdAt)
    }

    /// Reads `window` (splitting it when too large) and tells the sink the window's outcome.
    /// Returns the read summaries of every window it finished, and of a window it cut into parts
    /// its own reads (their rows counted as not committed), for the run's totals.
    /// `priority` orders the requests of concurrently read windows (lower first; the run passes
    /// claim order), so windows finish one after another rather than all together.
    /// `parentTotal` is the total of the window this one is half of: a half reporting no fewer
    /// records is not split again (an API whose total ignores the date bounds would be halved
    /// forever). `cuts` is set on the parts of a window whose reads never accounted for
    /// themselves: such a part is cut again until one page holds it, within the budget.
    package func read(_ window: TimeWindow, priority: Int = .max, parentTotal: Int? = nil, cuts: CutBudget? = nil) -> [WindowReadSummary] {
        let receiver = sink.open(window)
        let summary = WindowTally()
        var previousDistinct: Int?
        var observedTotals: [Int] = []
        for attempt in 1...settings.maxReadAttempts {
            summary.withLock { $0.attempts = attempt; $0.counts.driftRereads = attempt - 1 }
            let result: AttemptResult
            do throws(ExtractError) {
                let split: SplitRule = cuts.map { .toOnePage($0) } ?? (attempt == 1 ? .overRowLimit(parentTotal: parentTotal) : .never)
                result = try readOnce(window, receiver: receiver, summary: summary, split: split, priority: priority)
            } catch .cancelled {
                sink.abandon(window)
                return []
            } catch let error {
                if case .rejected = error { events.fatal(error); sink.abandon(window); return [] }
                return failed(window, summary, reason: error.description)
            }
            switch result {
            case let .tooLarge(halves, total):
                sink.split(window, into: [halves.0, halves.1])
                return read(halves.0, priority: priority, parentTotal: total, cuts: cuts) + read(halves.1, priority: priority, parentTotal: total, cuts: cuts)
            case let .cannotCut(reason):
                return failed(window, summary, reason: reason)
            case let .read(proof):
                observedTotals += proof.totals
                if accounts(window, proof, previousDistinct: &previousDistinct) {
                    let current = summary.withLock { $0 }
                    guard sink.complete(window, current) else { return [] }
                    return [current]
                }
                if attempt < settings.maxReadAttempts { events.reread(window, proof.totals, proof.distinct) }
            }
        }
        let reason = "the window kept changing while it was read: \(settings.maxReadAttempts) reads saw \(Self.describe(totals: observedTotals))"
        if settings.cutsUnsettledWindows, cuts == nil, let halves = window.halves() {
            // Do not guess: parts read in one page each prove themselves whatever offsets did.
            events.cutting(window, reason)
            sink.split(window, into: [halves.0, halves.1])
            let budget = CutBudget(splits: settings.cutSplits(pageLimit: evidence.pageLimit))
            // The window's own reads count (their re-reads, their rows as not committed: the
            // loader drops what they staged) beside its parts'.
            let reads = summary.withLock { $0.notCommitted() }
            return [reads] + read(halves.0, priority: priority, cuts: budget) + read(halves.1, priority: priority, cuts: budget)
        }
        let current = summary.withLock { $0.notCommitted() }
        events.failed(window, reason + "; it stays resumable")
        sink.unsettled(window, current, reason: reason + "; it stays resumable")
        return [current]
    }

    private func failed(_ window: TimeWindow, _ summary: WindowTally, reason: String) -> [WindowReadSummary] {
        let current = summary.withLock { $0.notCommitted() }
        events.failed(window, reason)
        sink.fail(window, current, reason: reason)
        return [current]
    }

    /// Whether one read proves the window (see the type's comment); `previousDistinct` carries
    /// the last read's count for windows judged without a total.
    private func accounts(_ window: TimeWindow, _ proof: ReadProof, previousDistinct: inout Int?) -> Bool {
        // One page at offset 0, its end proven: a snapshot of the window at one instant, where
        // offsets cannot have moved under it, whatever totals the requests around it reported.
        if proof.isSinglePage { return true }
        guard let first = proof.totals.first else {
            defer { previousDistinct = proof.distinct }
            return previousDistinct == proof.distinct
        }
        guard proof.totals.allSatisfy({ $0 == first }) else { return false }
        if proof.distinct == first { return true }
        // A total that held still through every request, contradicted by the records the read
        // proved to the end: it is not this window's count (windows only shrink while read,
        // which would change it). The pages are judged as without one.
        evidence.noteContradictedTotal()
        events.totalDisagrees(window, first, proof.distinct)
        defer { previousDistinct = proof.distinct }
        return previousDistinct == proof.distinct
    }

    /// The totals a window's requests reported, short enough for a log line or a checkpoint row
    /// however many pages reported them: `totals 120, 118, 118` or `totals from 19982 to 19956 (505 requests)`.
    package static func describe(totals: [Int]) -> String {
        guard totals.count > 6, let first = totals.first, let last = totals.last else {
            return "totals " + totals.map(String.init).joined(separator: ", ")
        }
        return "totals from \(first) to \(last) (\(totals.count) requests, between \(totals.min() ?? first) and \(totals.max() ?? first))"
    }
}

/// What the reader tells the run besides the sink's events: a request the API refused (the
/// run stops), a window given up on, a window read again because its data moved.
package struct WindowReadEvents: Sendable {
    package var fatal: @Sendable (ExtractError) -> Void
    package var failed: @Sendable (TimeWindow, String) -> Void = { _, _ in }
    /// The window, the totals its pages reported and the distinct entries they held.
    package var reread: @Sendable (TimeWindow, [Int], Int) -> Void = { _, _, _ in }
    /// The window, the total every request reported, and the distinct entries its pages held instead.
    package var totalDisagrees: @Sendable (TimeWindow, Int, Int) -> Void = { _, _, _ in }
    /// The window is cut into parts read in one page each, for this reason.
    package var cutting: @Sendable (TimeWindow, String) -> Void = { _, _ in }

    package init(
        fatal: @escaping @Sendable (ExtractError) -> Void, failed: @escaping @Sendable (TimeWindow, String) -> Void = { _, _ in },
        reread: @escaping @Sendable (TimeWindow, [Int], Int) -> Void = { _, _, _ in },
        totalDisagrees: @escaping @Sendable (TimeWindow, Int, Int) -> Void = { _, _, _ in },
        cutting: @escaping @Sendable (TimeWindow, String) -> Void = { _, _ in }
    ) {
        (self.fatal, self.failed, self.reread, self.totalDisagrees, self.cutting) = (fatal, failed, reread, totalDisagrees, cutting)
    }
}

extension WindowReadSummary {
    /// This read as one whose window does not commit: what it kept or quarantined is counted as
    /// not committed, so the report's arithmetic still adds up.
    fileprivate func notCommitted() -> WindowReadSummary {
        var summary = self
        summary.counts.rowsNotCommitted = rowsForCommit
        return summary
    }
}

/// How many more times the parts of one window may be cut: twice the pages a window holds at
/// the row limit, and some. Parts of an honest window shrink as they are cut, so they fit in one
/// page long before; parts that never shrink (an API that ignores the date bounds) end here
/// instead of doubling forever.
package final class CutBudget: Sendable {
    private let remaining: Mutex<Int>

    init(splits: Int) {
        remaining = Mutex(splits)
    }

    /// Takes one split; false when none is left.
    func take() -> Bool {
        remaining.withLock { remaining in
            guard remaining > 0 else { return false }
            remaining -= 1
            return true
        }
    }
}

/// The running summary of one window, shared by its parallel page jobs.
package final class WindowTally: Sendable {
    private let state = Mutex(WindowReadSummary())

    package func withLock<T>(_ body: (inout WindowReadSummary) -> T) -> T {
        state.withLock { body(&$0) }
    }
}
