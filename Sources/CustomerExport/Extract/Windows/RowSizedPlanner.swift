import CustomerExportCommon

/// Cuts a range into windows of about `targetRows` records each, from the API's own counts.
///
/// A calendar day is the wrong unit for a window: with ~180 customers a day every window pays a
/// serial first page, a closing count and a transaction for two pages of rows, and a bulk import
/// of 100,000 customers on one day must be split anyway. So the planner asks the API, with
/// `limit=1` requests sent in parallel:
///
/// 1. how many records each part of the range holds (`count`), halving every part holding more
///    than `rankedPartRows` (the reader's own largest window: `WindowReadSettings`) until none does;
/// 2. at which instant the record of a given rank sits in each part still over the target
///    (`locate`: the record at `offset` k, pages being sorted by the window's field), and cuts the
///    part there. Cutting at records' own instants gives windows of the target's size in one round
///    of requests, where halving by time would take one round per halving, and ~27 of them to
///    narrow a 3-year range down to a bulk import's instant.
///
/// Neighbouring parts are then joined while they stay within the target, and within `maxSpan`
/// (`--window`) when one is set. The windows holding the run's last `targetRows` records are cut
/// to a quarter of the target, so the run does not end on one long merge.
///
/// Counts may move before the windows are read (live data); that changes only how even the
/// windows are, never what is read: windows tile the range exactly, and the reader still splits
/// a window that has grown past the row limit.
///
/// ```swift
/// let planner = RowSizedPlanner(field: .createdAt, targetRows: 20_000)
/// let plan = try planner.plan(from: start, to: end, count: { parts in try parts.map(apiTotal) },
///                             locate: { ranks in try ranks.map(instantOfRecord) })
/// ```
package struct RowSizedPlanner: Sendable {
    package var field: WindowField
    package var targetRows: Int
    /// The longest window allowed, or nil for no limit.
    package var maxSpan: TimeSpan?
    /// Parts are halved by time until they hold at most this many records, then cut by rank.
    package var rankedPartRows: Int
    /// Parts narrower than this are not halved further: records sharing an instant cannot be
    /// divided by time, and the reader splits what is left if it must.
    package var narrowest: TimeSpan = .seconds(1)

    /// `reading` gives the reader's largest window, which bounds the parts ranked into windows.
    package init(field: WindowField, targetRows: Int, maxSpan: TimeSpan? = nil, reading: WindowReadSettings = WindowReadSettings()) {
        self.field = field
        self.targetRows = max(1, targetRows)
        self.maxSpan = maxSpan
        self.rankedPartRows = reading.rankedPartRows(targetRows: self.targetRows)
    }

    /// One window and the records the API counted in it when it was planned (estimated from
    /// ranks for windows cut inside a part).
    package struct SizedWindow: Sendable, Equatable {
        package var window: TimeWindow
        package var rows: Int
    }

    /// The record at `offset` of `part`'s records in the field's order.
    package struct Rank: Sendable, Equatable {
        package var part: TimeWindow
        package var offset: Int
    }

    /// What planning found: the windows, and how many counting requests it took.
    package struct Plan: Sendable {
        package var windows: [SizedWindow]
        package var probes: Int
        /// Halves counted more than their parent: the API's totals ignore the date bounds.
        package var totalsContradict: Bool
    }

    /// The size of the windows holding the run's last `targetRows` records.
    package var tailTarget: Int { max(1, targetRows / 4) }

    /// Plans `[from, to)`. `count` returns the API's total for each part it is given, in order;
    /// nil totals (an envelope without one) leave nothing to size by, and the plan is nil.
    /// `locate` returns the instant of the record at each rank, or nil when there is none
    /// (the part shrank) or it has no readable instant; no cut is made there.
    package func plan<E: Error>(
        from: Timestamp, to: Timestamp, count: ([TimeWindow]) throws(E) -> [Int?], locate: ([Rank]) throws(E) -> [Timestamp?]
    ) throws(E) -> Plan? {
        let start = from.truncatedToMicroseconds
        let end = to.truncatedToMicroseconds
        guard end > start else { return Plan(windows: [], probes: 0, totalsContradict: false) }
        guard let counted = try countedParts(from: start, to: end, count: count) else { return nil }
        let parts = counted.parts.sorted { $0.window.from < $1.window.from }
        var probes = counted.probes
        // Counts that contradict each other cannot place cuts: the parts are the windows, and the
        // reader reads each to its last page.
        if counted.totalsContradict { return Plan(windows: parts, probes: probes, totalsContradict: true) }

        let ranks = rankCuts(of: parts)
        let instants = ranks.isEmpty ? [] : try locate(ranks.map(\.rank))
        probes += ranks.count
        var cutsByPart = [[(offset: Int, instant: Timestamp)]](repeating: [], count: parts.count)
        for (cut, instant) in zip(ranks, instants) {
            // The API's bounds are inclusive: a window ending on a record's instant would be sent
            // the records there (an import: tens of thousands) only to drop them as the next
            // window's. So the cut goes a microsecond before the record.
            if let instant { cutsByPart[cut.partIndex].append((cut.rank.offset, instant.truncatedToMicroseconds.adding(nanoseconds: -Timestamp.nanosecondsPerMicrosecond))) }
        }
        let pieces = zip(parts, cutsByPart).flatMap { part, cuts in Self.cut(part, at: cuts) }
        return Plan(windows: join(pieces), probes: probes, totalsContradict: false)
    }

    /// Step 1: parts of at most `rankedPartRows` records (or narrower than `narrowest`), with
    /// their counts and the number of requests spent.
    ///
    /// Totals are evidence, not truth: two halves counting together more than half again their
    /// parent (an API whose total ignores the date bounds reports the same number for every part)
    /// stop the halving, the parent stays whole and `totalsContradict` is set. Halving also stops
    /// at a request budget proportional to the windows the first count asks for.
    private func countedParts<E: Error>(
        from start: Timestamp, to end: Timestamp, count: ([TimeWindow]) throws(E) -> [Int?]
    ) throws(E) -> (parts: [SizedWindow], probes: Int, totalsContradict: Bool)? {
        var pending = (maxSpan.map { WindowPlanner(field: field, size: $0).windows(from: start, to: end) }
            ?? [TimeWindow(field: field, from: start, to: end)]).map { (window: $0, parent: SizedWindow?.none) }
        var parts: [SizedWindow] = []
        var probes = 0
        var budget: Int?
        var contradicted = false
        while !pending.isEmpty {
            let counted = try count(pending.map(\.window))
            probes += pending.count
            var totals: [Int] = []
            for total in counted {
                guard let total else { return nil }
                totals.append(total)
            }
            if budget == nil { budget = Self.probeBudget(firstTotals: totals, partRows: rankedPartRows) }
            var next: [(window: TimeWindow, parent: SizedWindow?)] = []
            var index = 0
            while index < pending.count {
                // Halves arrive side by side: judged as a pair against the parent they came from.
                if let parent = pending[index].parent, index + 1 < pending.count, pending[index + 1].parent == parent {
                    if totals[index] + totals[index + 1] > parent.rows + parent.rows / 2 + 100 {
                        contradicted = true
                        parts.append(parent)
                    } else {
                        for sibling in index...(index + 1) { place(SizedWindow(window: pending[sibling].window, rows: totals[sibling]), into: &parts, or: &next) }
                    }
                    index += 2
                } else {
                    place(SizedWindow(window: pending[index].window, rows: totals[index]), into: &parts, or: &next)
                    index += 1
                }
            }
            if contradicted || probes + next.count > budget ?? .max {
                parts += next.map { SizedWindow(window: $0.parent?.window ?? $0.window, rows: $0.parent?.rows ?? 0) }.uniqued()
                break
            }
            pending = next
        }
        return (parts, probes, contradicted)
    }

    /// Keeps `part`, or queues its halves when it is over `rankedPartRows` and wide enough to halve.
    private func place(_ part: SizedWindow, into parts: inout [SizedWindow], or next: inout [(window: TimeWindow, parent: SizedWindow?)]) {
        let span = part.window.to.nanosecondsSinceEpoch - part.window.from.nanosecondsSinceEpoch
        if part.rows > rankedPartRows, span > narrowest.nanoseconds, let halves = part.window.halves() {
            next += [(halves.0, part), (halves.1, part)]
        } else {
            parts.append(part)
        }
    }

    /// Counting requests allowed: generous for any honest range (a bulk import on one instant
    /// costs ~27 halvings), bounded for one whose counts never settle.
    package static func probeBudget(firstTotals: [Int], partRows: Int) -> Int {
        200 + 40 * firstTotals.reduce(0) { $0 + $1 / max(1, partRows) + 1 }
    }

    /// Step 2: the ranks to cut each part at. Before the run's last `targetRows` records, a part
    /// is cut into equal windows of at most the target; within them, of at most a quarter of it.
    /// Parts over `rankedPartRows` (a bulk import on one instant) stay whole.
    package func rankCuts(of parts: [SizedWindow]) -> [(partIndex: Int, rank: Rank)] {
        let total = parts.reduce(0) { $0 + $1.rows }
        let tailStart = max(0, total - targetRows)
        var cuts: [(Int, Rank)] = []
        var first = 0
        for (index, part) in parts.enumerated() {
            defer { first += part.rows }
            guard part.rows > tailTarget, part.rows <= rankedPartRows else { continue }
            let head = min(part.rows, max(0, tailStart - first))
            var offsets = Self.evenCuts(of: head, atMost: targetRows)
            if head > 0, head < part.rows { offsets.append(head) }
            offsets += Self.evenCuts(of: part.rows - head, atMost: tailTarget).map { head + $0 }
            cuts += offsets.map { (index, Rank(part: part.window, offset: $0)) }
        }
        return cuts
    }

    /// Offsets cutting `count` records into equal runs of at most `size`.
    package static func evenCuts(of count: Int, atMost size: Int) -> [Int] {
        let pieces = (count + size - 1) / size
        return pieces > 1 ? (1..<pieces).map { count * $0 / pieces } : []
    }

    /// The part cut at the instants found, rows estimated from the ranks. An instant that does
    /// not move past the previous cut (records sharing it) is no cut: its rows stay in the window
    /// that starts at that instant.
    package static func cut(_ part: SizedWindow, at cuts: [(offset: Int, instant: Timestamp)]) -> [SizedWindow] {
        var pieces: [SizedWindow] = []
        var from = part.window.from
        var rowsBefore = 0
        for (offset, instant) in cuts where instant > from && instant < part.window.to {
            pieces.append(SizedWindow(window: TimeWindow(field: part.window.field, from: from, to: instant), rows: offset - rowsBefore))
            from = instant
            rowsBefore = offset
        }
        pieces.append(SizedWindow(window: TimeWindow(field: part.window.field, from: from, to: part.window.to), rows: max(0, part.rows - rowsBefore)))
        return pieces
    }

    /// Joins neighbouring parts while a window stays within the target (a quarter of it for the
    /// run's last `targetRows` records) and within `maxSpan`.
    package func join(_ leaves: [SizedWindow]) -> [SizedWindow] {
        var rowsFromHereOn = Array(repeating: 0, count: leaves.count + 1)
        for index in leaves.indices.reversed() { rowsFromHereOn[index] = rowsFromHereOn[index + 1] + leaves[index].rows }
        var windows: [SizedWindow] = []
        for (index, leaf) in leaves.enumerated() {
            if var current = windows.last {
                let limit = rowsFromHereOn[index] <= targetRows ? tailTarget : targetRows
                let joined = TimeWindow(field: field, from: current.window.from, to: leaf.window.to)
                let span = TimeSpan(nanoseconds: joined.to.nanosecondsSinceEpoch - joined.from.nanosecondsSinceEpoch)
                if current.rows + leaf.rows <= limit, maxSpan.map({ span <= $0 }) ?? true {
                    current.window = joined
                    current.rows += leaf.rows
                    windows[windows.count - 1] = current
                    continue
                }
            }
            windows.append(leaf)
        }
        return windows
    }
}

extension Array where Element == RowSizedPlanner.SizedWindow {
    /// Without repeats, in order: both halves of one parent name the same parent once.
    package func uniqued() -> [Element] {
        var seen: [Element] = []
        for element in self where !seen.contains(element) { seen.append(element) }
        return seen
    }
}
