import Testing
@testable import CustomerExport

@Suite("Extract: windows sized by rows")
struct RowSizedPlannerTests {
    /// Records at these instants, counted the way the API counts: both bounds inclusive.
    struct Data {
        var instants: [Int64]  // sorted nanoseconds

        func count(_ window: TimeWindow) -> Int {
            func firstIndex(atLeast value: Int64) -> Int {
                var low = 0, high = instants.count
                while low < high { let mid = (low + high) / 2; if instants[mid] < value { low = mid + 1 } else { high = mid } }
                return low
            }
            return firstIndex(atLeast: window.to.nanosecondsSinceEpoch + 1) - firstIndex(atLeast: window.from.nanosecondsSinceEpoch)
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
        let plan = try #require(planner.plan(from: start, to: end) { parts in parts.map { data.count($0) } })
        let windows = plan.windows.map(\.window)
        #expect(tiles(windows))
        #expect((10...24).contains(windows.count), "\(windows.count) windows for \(data.instants.count) records")
        #expect(plan.windows.allSatisfy { $0.rows <= 20_000 })
        #expect(plan.windows.last.map { $0.rows <= 5_000 } == true, "the run ends on a short window")
        #expect(plan.probes < 200)
    }

    @Test("a bulk import on one instant stays one window however large; the days around it are still joined")
    func denseInstantIsOneWindow() throws {
        var data = sparse
        let bulk = Timestamp(dateOrTimestamp: "2024-06-01T12:00:00Z")!.nanosecondsSinceEpoch
        data.instants += Array(repeating: bulk, count: 100_000)
        data.instants.sort()
        let plan = try #require(RowSizedPlanner(field: .createdAt, targetRows: 20_000).plan(from: start, to: end) { parts in parts.map { data.count($0) } })
        #expect(tiles(plan.windows.map(\.window)))
        let holding = plan.windows.filter { $0.window.from.nanosecondsSinceEpoch <= bulk && bulk <= $0.window.to.nanosecondsSinceEpoch }
        #expect(holding.contains { $0.rows >= 100_000 && $0.window.to.nanosecondsSinceEpoch - $0.window.from.nanosecondsSinceEpoch <= 1_000_000_000 })
        #expect(plan.windows.filter { $0.rows > 20_000 }.count == holding.filter { $0.rows > 20_000 }.count, "only the bulk instant's window is over the target")
    }

    @Test("--window is an upper bound: no window is longer, even over empty days")
    func maxSpanIsAnUpperBound() throws {
        let data = Data(instants: [start.nanosecondsSinceEpoch + 5])
        let plan = try #require(RowSizedPlanner(field: .updatedAt, targetRows: 20_000, maxSpan: .days(30)).plan(from: start, to: end) { parts in parts.map { data.count($0) } })
        let windows = plan.windows.map(\.window)
        #expect(tiles(windows))
        #expect(windows.allSatisfy { $0.to.nanosecondsSinceEpoch - $0.from.nanosecondsSinceEpoch <= TimeSpan.days(30).nanoseconds })
        #expect(windows.count == 37)
    }

    @Test("without totals (the bare-array envelope) there is nothing to size by: no plan")
    func noTotalsGiveNoPlan() {
        let plan = RowSizedPlanner(field: .createdAt, targetRows: 20_000).plan(from: start, to: end) { parts in parts.map { _ in nil } }
        #expect(plan == nil)
    }
}
