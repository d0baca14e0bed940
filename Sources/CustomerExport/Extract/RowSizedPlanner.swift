/// Cuts a range into windows of about `targetRows` records each, from the API's own counts.
///
/// A calendar day is the wrong unit for a window: with ~180 customers a day every window pays a
/// serial first page, a closing count and a transaction for two pages of rows, and a bulk import
/// of 100,000 customers on one day must be split anyway. So the planner asks the API how many
/// records each part of the range holds (`count`, one `limit=1` request per part, in parallel),
/// halves every part holding more than the target, and then joins neighbouring parts while
/// they stay within it, and within `maxSpan` (`--window`) when one is set. The windows covering
/// the run's last `targetRows` records are cut to a quarter of the target, so the run does not
/// end on one long merge.
///
/// Counts may move before the windows are read (live data); that changes only how even the
/// windows are, never what is read: windows tile the range exactly, and the reader still splits
/// a window that has grown past the row limit.
///
/// ```swift
/// let planner = RowSizedPlanner(field: .createdAt, targetRows: 20_000)
/// let windows = try planner.windows(from: start, to: end) { parts in try parts.map(apiTotal) }
/// ```
public struct RowSizedPlanner: Sendable {
    public var field: WindowField
    public var targetRows: Int
    /// The longest window allowed, or nil for no limit.
    public var maxSpan: TimeSpan?
    /// Parts narrower than this are not halved further: records sharing an instant cannot be
    /// divided by time, and the reader splits what is left if it must.
    public var narrowest: TimeSpan = .seconds(1)

    public init(field: WindowField, targetRows: Int, maxSpan: TimeSpan? = nil) {
        self.field = field
        self.targetRows = max(1, targetRows)
        self.maxSpan = maxSpan
    }

    /// One window and the records the API counted in it when it was planned.
    public struct SizedWindow: Sendable, Equatable {
        public var window: TimeWindow
        public var rows: Int
    }

    /// What planning found: the windows, and how many counting requests it took.
    public struct Plan: Sendable {
        public var windows: [SizedWindow]
        public var probes: Int
    }

    /// The size of the windows holding the run's last `targetRows` records.
    var tailTarget: Int { max(1, targetRows / 4) }

    /// Plans `[from, to)`. `count` returns the API's total for each part it is given, in order;
    /// nil totals (an envelope without one) leave nothing to size by, and the plan is nil.
    public func plan<E: Error>(from: Timestamp, to: Timestamp, count: ([TimeWindow]) throws(E) -> [Int?]) throws(E) -> Plan? {
        let start = from.truncatedToMicroseconds
        let end = to.truncatedToMicroseconds
        guard end > start else { return Plan(windows: [], probes: 0) }
        var pending = maxSpan.map { WindowPlanner(field: field, size: $0).windows(from: start, to: end) }
            ?? [TimeWindow(field: field, from: start, to: end)]
        var leaves: [SizedWindow] = []
        var probes = 0
        while !pending.isEmpty {
            let totals = try count(pending)
            probes += pending.count
            var next: [TimeWindow] = []
            for (part, total) in zip(pending, totals) {
                guard let total else { return nil }
                let span = part.to.nanosecondsSinceEpoch - part.from.nanosecondsSinceEpoch
                // The part that ends the range is cut to the tail's size: the run's last window is short.
                let limit = part.to == end ? tailTarget : targetRows
                if total > limit, span > narrowest.nanoseconds, let halves = part.halves() {
                    next += [halves.0, halves.1]
                } else {
                    leaves.append(SizedWindow(window: part, rows: total))
                }
            }
            pending = next
        }
        leaves.sort { $0.window.from < $1.window.from }
        return Plan(windows: join(leaves), probes: probes)
    }

    /// Joins neighbouring parts while a window stays within the target (a quarter of it for the
    /// run's last `targetRows` records) and within `maxSpan`.
    func join(_ leaves: [SizedWindow]) -> [SizedWindow] {
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
