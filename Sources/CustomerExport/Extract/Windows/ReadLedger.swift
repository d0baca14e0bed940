import Synchronization
import CustomerExportCommon

/// What one read of a window has proven so far, filled by its parallel page jobs.
///
/// A read is done when it has proven where the window's records end and has asked for every
/// offset before that end. The end is proven by an empty page, by a page that comes back short
/// exactly at the total its own `meta` reports, or, where there is no believable total, by a short
/// page whose `meta.limit` says the server served the size asked; a page short anywhere else
/// leaves a gap that is asked for again from where it stopped (a server that caps `limit`
/// silently, or records that moved). What the read accounts for is its distinct entries, by the
/// hash of their bytes: an entry served twice (paging shifted under a still total) counts once,
/// so the skip it implies shows as a read short of the total.
package final class ReadLedger: Sendable {
    package struct Snapshot: Sendable {
        /// Entries received, repeats included.
        package var entries = 0
        /// Entries received, each distinct one once: what is compared with the total.
        package var distinct = 0
        package var totals: [Int] = []
        /// The smallest offset proven to be past the window's last record.
        package var end: Int?
        /// Pages that held at least one entry.
        package var dataPages = 0
        /// Pages short of the size asked that had records after them: a cap the server does not state.
        package var shortWithMore = 0
        /// The longest such page: the size the server serves at most.
        package var servedBeforeMore: Int?
        package var firstError: ExtractError?
    }

    private struct State {
        var snapshot = Snapshot()
        var keys = Set<Int>()
        var gaps: [PageRequest] = []
        /// The gaps asked for, by offset, with the length of the page that left each, to tell
        /// when one held records.
        var gapOrigins: [Int: Int] = [:]
        /// Gaps not yet asked for, with the same.
        var pendingOrigins: [Int: Int] = [:]
    }

    private let state = Mutex(State())
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
        state.withLock { $0.snapshot.totals.append(total) }
    }

    /// One page as fetched (one part, or several when it was read again in smaller pages):
    /// its entries and totals, and what it proves about the end.
    package func add(_ parts: [FetchedPage], for request: PageRequest) {
        let served = parts.reduce(0) { $0 + $1.body.entryCount }
        var keys: [Int] = []
        keys.reserveCapacity(served)
        for part in parts {
            let body = part.body
            body.bytes.withUnsafeBytes { raw in
                for range in body.records { keys.append(Self.key(raw, range)) }
                for element in body.rejected { keys.append(Self.key(raw, element.range)) }
            }
        }
        let pageTotal = parts.lazy.compactMap(\.body.total).first
        // Without a total, a server stating it served the page size asked for says a shorter
        // page is its last; with one, only the total (or an empty page) may say so.
        let endsShort = pageTotal == nil && parts.count == 1 && parts[0].body.servedLimit == request.limit
        state.withLock { state in
            state.snapshot.entries += served
            state.snapshot.totals += parts.compactMap(\.body.total)
            state.keys.formUnion(keys)
            state.snapshot.distinct = state.keys.count
            if served > 0 { state.snapshot.dataPages += 1 }
            if served > 0, let before = state.gapOrigins.removeValue(forKey: request.offset) {
                state.snapshot.shortWithMore += 1
                state.snapshot.servedBeforeMore = max(before, state.snapshot.servedBeforeMore ?? 0)
            }
            let stop = request.offset + served
            if served == 0 || (served < request.limit && (pageTotal == stop || endsShort)) {
                state.snapshot.end = min(stop, state.snapshot.end ?? .max)
            } else if served < request.limit {
                state.gaps.append(PageRequest(window: request.window, offset: stop, limit: request.limit - served))
                state.pendingOrigins[stop] = served
            }
        }
    }

    /// The gaps left before the proven end (or all of them while no end is proven), now taken.
    package func takeGaps() -> [PageRequest] {
        state.withLock { state in
            let end = state.snapshot.end ?? .max
            let gaps = state.gaps.filter { $0.offset < end }
            state.gaps = []
            for gap in gaps { state.gapOrigins[gap.offset] = state.pendingOrigins.removeValue(forKey: gap.offset) }
            return gaps
        }
    }

    /// Forgets the gap a short first page left: the read plans its offsets from there instead.
    package func plannedPast(offset: Int) {
        state.withLock { state in
            state.gaps.removeAll { $0.offset == offset }
            state.pendingOrigins[offset] = nil
        }
    }

    package func repeatsFirstPage(_ page: FetchedPage) -> Bool {
        guard let firstEntry, let range = page.body.records.first ?? page.body.rejected.first?.range else { return false }
        return range.count == firstEntry.count && page.body.bytes[range].elementsEqual(firstEntry)
    }

    package func fail(_ error: ExtractError) {
        state.withLock { if $0.snapshot.firstError == nil { $0.snapshot.firstError = error } }
    }

    package var snapshot: Snapshot { state.withLock { $0.snapshot } }
    package var firstError: ExtractError? { snapshot.firstError }
    package var end: Int? { snapshot.end }

    private static func key(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: raw[range]))
        return hasher.finalize()
    }
}
