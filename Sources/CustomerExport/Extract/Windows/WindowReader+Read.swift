import Dispatch
import CustomerExportCommon

extension WindowReader {
    /// When a read splits its window instead of reading it.
    enum SplitRule {
        /// Never (a re-read).
        case never
        /// When the first page's total is over the row limit and below the parent's total.
        case overRowLimit(parentTotal: Int?)
        /// When one page does not hold the part (cutting a window whose reads never settled).
        case toOnePage(CutBudget)
    }

    /// What one read proved: its totals and distinct entries, and whether one page held it all.
    struct ReadProof {
        var distinct: Int
        var totals: [Int]
        var isSinglePage: Bool
    }

    enum AttemptResult {
        case tooLarge(halves: (TimeWindow, TimeWindow), total: Int?)
        case cannotCut(reason: String)
        case read(ReadProof)
    }

    /// One read of `window`: the first page, then every offset up to the total in parallel, the
    /// gaps short pages left, and on past the total until the end is proven (see `ReadLedger`).
    func readOnce(
        _ window: TimeWindow, receiver: any PageReceiver, summary: WindowTally, split: SplitRule, priority: Int
    ) throws(ExtractError) -> AttemptResult {
        let asked = evidence.pageLimit
        let firstRequest = PageRequest(window: window, offset: 0, limit: asked)
        let firstParts = try limiter.run(priority: priority) { () throws(ExtractError) in try client.fetchSplittingOversized(firstRequest) }
        let firstTotal = firstParts.lazy.compactMap(\.body.total).first
        let served = firstParts.reduce(0) { $0 + $1.body.entryCount }
        if let decision = splitDecision(window, split, total: firstTotal, served: served, asked: asked) { return decision }
        summary.withLock { $0.apiTotal = firstTotal }
        let ledger = ReadLedger(firstPage: firstParts[0])
        try absorb(firstParts, receiver, summary)
        ledger.add(firstParts, for: firstRequest)
        var limit = asked
        var nextOffset = asked
        if served > 0, served < asked, ledger.end == nil,
           let metaLimit = firstParts.lazy.compactMap(\.body.servedLimit).first, (1..<asked).contains(metaLimit) {
            // Short of what was asked, not the end, and `meta.limit` names the size served: the
            // server's own page size, for this window and every later one. (A cap it does not
            // name is learned once a page short of it is seen to have records after it.)
            evidence.learn(served: metaLimit, asked: asked, fromMeta: true)
            limit = metaLimit
            nextOffset = served
            ledger.plannedPast(offset: served)
        }
        // With a total, its pages are requested at once, up to twice the row limit whatever the
        // total claims (a total that ignores the bounds and cannot be split is not a plan to hold
        // in memory); the data, not the total, says where the window ends, so the read goes on
        // past the plan until the end is proven: `readAhead` pages at a time while short of the
        // total or without one, then one at a time.
        if let total = firstTotal, ledger.end == nil, nextOffset < total {
            let planned = min(total, nextOffset + settings.offsetsPlannedAtOnce(pageLimit: limit))
            let offsets = Array(stride(from: nextOffset, to: planned, by: limit))
            try fetchInParallel(offsets.map { PageRequest(window: window, offset: $0, limit: limit) }, receiver, summary, ledger, priority)
            nextOffset = (offsets.last ?? nextOffset) + limit
        }
        while true {
            let gaps = ledger.takeGaps()
            if !gaps.isEmpty {
                try fetchInParallel(gaps, receiver, summary, ledger, priority)
                continue
            }
            if ledger.end != nil { break }
            let batch = (firstTotal.map { nextOffset < $0 } ?? true) ? max(1, settings.readAhead) : 1
            let requests = (0..<batch).map { PageRequest(window: window, offset: nextOffset + $0 * limit, limit: limit) }
            nextOffset += batch * limit
            try fetchInParallel(requests, receiver, summary, ledger, priority)
        }
        let seen = ledger.snapshot
        // The first page stopped short of the size asked and nothing came after it: one answer
        // held the window. (A full first page with an empty one after is two answers.)
        let isSinglePage = served < asked && seen.dataPages <= 1 && served == seen.entries
        if firstTotal != nil, !isSinglePage {
            // A count like the planner's: it steps past a record over the body limit at offset 0.
            let closing = try limiter.run(priority: priority) { () throws(ExtractError) in
                try client.fetchProbe(PageRequest(window: window, offset: 0, limit: 1))
            }
            for problem in closing.body.metaProblems { evidence.note(metaProblem: problem) }
            ledger.addTotal(closing.body.total)
        }
        let proof = ledger.snapshot
        if proof.shortWithMore > 0 { evidence.note(shortPagesWithMore: proof.shortWithMore) }
        if let cap = proof.servedBeforeMore { evidence.learn(served: cap, asked: asked, fromMeta: false) }
        return .read(ReadProof(distinct: proof.distinct, totals: proof.totals, isSinglePage: isSinglePage))
    }

    /// Whether the first page says to read halves instead (nil: read the window).
    private func splitDecision(_ window: TimeWindow, _ split: SplitRule, total: Int?, served: Int, asked: Int) -> AttemptResult? {
        switch split {
        case .never:
            return nil
        case let .overRowLimit(parentTotal):
            guard let total, settings.splits(windowOf: total), total < parentTotal ?? .max, let halves = window.halves() else { return nil }
            return .tooLarge(halves: halves, total: total)
        case let .toOnePage(budget):
            // By what the page holds, not by a total: totals are what failed to agree.
            guard served >= asked else { return nil }
            guard let halves = window.halves() else {
                return .cannotCut(reason: "its reads never accounted for themselves and one instant in \(window) holds more records than a page (\(asked)), so offset paging over it cannot be proven; it stays resumable")
            }
            guard budget.take() else {
                return .cannotCut(reason: "its reads never accounted for themselves and its parts, cut again and again, still fill a page: the API does not narrow its answer to the window's bounds; it stays resumable")
            }
            return .tooLarge(halves: halves, total: total)
        }
    }

    private func fetchInParallel(
        _ requests: [PageRequest], _ receiver: any PageReceiver, _ summary: WindowTally, _ ledger: ReadLedger, _ priority: Int
    ) throws(ExtractError) {
        let group = DispatchGroup()
        // All requests are queued at once (a plan holds at most `offsetsPlannedAtOnce` rows of pages):
        // a slot coming free starts the next one directly. Jobs queued behind a failure, a
        // cancellation or the proven end end without a request.
        for request in requests {
            limiter.enqueueRequest(group: group, priority: priority) { slot in
                guard ledger.firstError == nil, !client.cancellation.isCancelled, request.offset < ledger.end ?? .max else { return }
                do throws(ExtractError) {
                    // `fetch` gives the slot back as soon as the answer is in: another request
                    // leaves while this page is processed.
                    let parts = try client.fetchSplittingOversized(request, slot: slot)
                    if request.offset > 0, ledger.repeatsFirstPage(parts[0]) {
                        throw ExtractError.inconsistent(
                            problem: "offset \(request.offset) returned the same first record as offset 0, so the API ignores offset; check that the deployment supports offset paging",
                            request: client.url(for: request))
                    }
                    try absorb(parts, receiver, summary)
                    ledger.add(parts, for: request)
                } catch {
                    ledger.fail(error)
                }
            }
        }
        group.wait()
        if let error = ledger.firstError { throw error }
        if client.cancellation.isCancelled { throw .cancelled }
    }

    private func absorb(_ parts: [FetchedPage], _ receiver: any PageReceiver, _ summary: WindowTally) throws(ExtractError) {
        var examined = 0
        var outside = OutsideCounts()
        for page in parts {
            for problem in page.body.metaProblems { evidence.note(metaProblem: problem) }
            guard let counts = receiver.receive(page) else { throw .cancelled }
            summary.withLock { $0.counts += counts }
            examined += page.body.entryCount
            outside += counts.outside
        }
        evidence.note(examined: examined, outside: outside)
    }
}
