import Testing
@testable import CustomerExport

@Suite("Extract: windows sized by rows")
struct RowSizedPlannerTests {
    /// Records at these instants, counted the way the API counts: both bounds inclusive.
    struct Data {
        var instants: [Int64]  // sorted nanoseconds

        func firstIndex(atLeast value: Int64) -> Int {
            var low = 0, high = instants.count
            while low < high { let mid = (low + high) / 2; if instants[mid] < value { low = mid + 1 } else { high = mid } }
            return low
        }

        func count(_ window: TimeWindow) -> Int {
            firstIndex(atLeast: window.to.nanosecondsSinceEpoch + 1) - firstIndex(atLeast: window.from.nanosecondsSinceEpoch)
        }

        /// The instant of the record at `offset` in the window, in time order, as a `limit=1` page at that offset shows it.
        func locate(_ rank: RowSizedPlanner.Rank) -> Timestamp? {
            guard rank.offset < count(rank.part) else { return nil }
            return Timestamp(nanosecondsSinceEpoch: instants[firstIndex(atLeast: rank.part.from.nanosecondsSinceEpoch) + rank.offset])
        }

        func plan(_ planner: RowSizedPlanner, from: Timestamp, to: Timestamp) -> RowSizedPlanner.Plan? {
            planner.plan(from: from, to: to, count: { parts in parts.map(count) }, locate: { ranks in ranks.map(locate) })
        }

        /// The records each window really holds (half-open, as the pipeline keeps them).
        func rows(in window: TimeWindow) -> Int {
            firstIndex(atLeast: window.to.nanosecondsSinceEpoch) - firstIndex(atLeast: window.from.nanosecondsSinceEpoch)
        }
    }

    let start = Timestamp(dateOrTimestamp: "2023-01-01")!
    let end = Timestamp(dateOrTimestamp: "2026-01-01")!

    /// ~180 records a day over three years, evenly spread.
    var sparse: Data {
        let span = end.nanosecondsSinceEpoch - start.nanosecondsSinceEpoch
        let count = 180 * 1096
        return Data(instants: (0..<count).map { start.nanosecondsSinceEpoch + span / Int64(count) * Int64($0) })
    }

    func tiles(_ windows: [TimeWindow]) -> Bool {
        windows.first?.from == start && windows.last?.to == end && zip(windows, windows.dropFirst()).allSatisfy { $0.to == $1.from }
    }

    @Test("sparse data: a few windows of about the target each, tiling the range, the last ones a quarter of it")
    func sparseDataMakesFewWindows() throws {
        let data = sparse
        let planner = RowSizedPlanner(field: .createdAt, targetRows: 20_000)
        let plan = try #require(data.plan(planner, from: start, to: end))
        let windows = plan.windows.map(\.window)
        #expect(tiles(windows))
        #expect((10...16).contains(windows.count), "\(windows.count) windows for \(data.instants.count) records")
        #expect(windows.allSatisfy { data.rows(in: $0) <= 20_000 })
        #expect(windows.dropLast(4).allSatisfy { data.rows(in: $0) >= 10_000 }, "windows before the tail hold at least half the target")
        #expect(windows.suffix(4).allSatisfy { data.rows(in: $0) <= 5_000 }, "the run ends on short windows")
        #expect(plan.probes < 40)
    }

    @Test("a bulk import on one instant stays one window however large; the days around it are still joined")
    func denseInstantIsOneWindow() throws {
        var data = sparse
        let bulk = Timestamp(dateOrTimestamp: "2024-06-01T12:00:00Z")!.nanosecondsSinceEpoch
        data.instants += Array(repeating: bulk, count: 100_000)
        data.instants.sort()
        let plan = try #require(data.plan(RowSizedPlanner(field: .createdAt, targetRows: 20_000), from: start, to: end))
        #expect(tiles(plan.windows.map(\.window)))
        let holding = plan.windows.filter { $0.window.from.nanosecondsSinceEpoch <= bulk && bulk <= $0.window.to.nanosecondsSinceEpoch }
        #expect(holding.contains { $0.rows >= 100_000 && $0.window.to.nanosecondsSinceEpoch - $0.window.from.nanosecondsSinceEpoch <= 1_000_000_000 })
        #expect(plan.windows.filter { $0.rows > 20_000 }.count == holding.filter { $0.rows > 20_000 }.count, "only the bulk instant's window is over the target")
    }

    @Test("--window is an upper bound: no window is longer, even over empty days")
    func maxSpanIsAnUpperBound() throws {
        let data = Data(instants: [start.nanosecondsSinceEpoch + 5])
        let plan = try #require(data.plan(RowSizedPlanner(field: .updatedAt, targetRows: 20_000, maxSpan: .days(30)), from: start, to: end))
        let windows = plan.windows.map(\.window)
        #expect(tiles(windows))
        #expect(windows.allSatisfy { $0.to.nanosecondsSinceEpoch - $0.from.nanosecondsSinceEpoch <= TimeSpan.days(30).nanoseconds })
        #expect(windows.count == 37)
    }

    @Test("without totals (the bare-array envelope) there is nothing to size by: no plan")
    func noTotalsGiveNoPlan() {
        let plan = RowSizedPlanner(field: .createdAt, targetRows: 20_000).plan(
            from: start, to: end, count: { parts in parts.map { _ in nil } }, locate: { ranks in ranks.map { _ in nil } })
        #expect(plan == nil)
    }

    @Test("bulk imports of 10,000 to 50,000 on single instants: windows start at the imports, stay near the target, and planning takes few requests")
    func bulkImportsAreCutAtTheirInstants() throws {
        var data = sparse
        let span = end.nanosecondsSinceEpoch - start.nanosecondsSinceEpoch
        let bulks = (1...8).map { start.nanosecondsSinceEpoch + span / 9 * Int64($0) + 123_456_000 }  // on a microsecond, as APIs stamp them
        for (index, bulk) in bulks.enumerated() { data.instants += Array(repeating: bulk, count: 10_000 + index * 5_000) }
        data.instants.sort()
        let plan = try #require(data.plan(RowSizedPlanner(field: .createdAt, targetRows: 20_000), from: start, to: end))
        let windows = plan.windows.map(\.window)
        #expect(tiles(windows))
        for (index, bulk) in bulks.enumerated() where 10_000 + index * 5_000 > 20_000 {
            #expect(windows.contains { $0.from.nanosecondsSinceEpoch == bulk / 1_000 * 1_000 - 1_000 }, "a window starts a microsecond before the import")
        }
        let heavy = windows.filter { data.rows(in: $0) > 20_000 }
        #expect(heavy.allSatisfy { window in bulks.contains { window.from.nanosecondsSinceEpoch == $0 / 1_000 * 1_000 - 1_000 } },
                "only windows starting at an import of more than the target hold more than the target")
        // The API counts both bounds: no window's request may take in an import that belongs to the next.
        #expect(windows.reduce(0) { $0 + data.count($1) } < data.instants.count + windows.count, "no import is sent to two windows")
        #expect(plan.probes < 60, "\(plan.probes) requests; halving down to each instant would take hundreds")
    }

    @Test("a record that cannot be located only leaves that cut out: the windows still tile the range")
    func unlocatedRanksAreNoCuts() throws {
        let data = sparse
        let plan = try #require(RowSizedPlanner(field: .createdAt, targetRows: 20_000).plan(
            from: start, to: end, count: { parts in parts.map(data.count) }, locate: { ranks in ranks.map { _ in nil } }))
        #expect(tiles(plan.windows.map(\.window)))
        #expect(plan.windows.count < 8, "without cuts the windows are the counted parts, joined")
        #expect(plan.windows.reduce(0) { $0 + $1.rows } >= data.instants.count, "every record is counted in some window")
    }
}
