import CustomerExportCommon

/// Cuts a range into windows of a fixed size. The range is `[from, to)`: the last window's upper
/// bound is `to` itself, sent inclusively, and records exactly on `to` are dropped by the
/// page processor (see `PageChain.excludeFrom`). Bounds are whole microseconds, the
/// precision of the state tables that record them.
package struct WindowPlanner: Sendable {
    package var field: WindowField
    package var size: TimeSpan

    package init(field: WindowField, size: TimeSpan) {
        self.field = field
        self.size = size
    }

    package func windows(from: Timestamp, to: Timestamp) -> [TimeWindow] {
        let start = from.truncatedToMicroseconds
        let end = to.truncatedToMicroseconds
        guard end > start, size.nanoseconds > 0 else { return [] }
        var windows: [TimeWindow] = []
        var lower = start
        while lower < end {
            let upper = min(end, lower.adding(size).truncatedToMicroseconds)
            windows.append(TimeWindow(field: field, from: lower, to: upper))
            lower = upper
        }
        return windows
    }
}
