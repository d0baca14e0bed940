import CustomerExportCommon
import CustomerExportExtract
import CustomerExportConfiguration
import CustomerExportRun

/// How verify cuts its range: by the calendar when `--window` is given, otherwise into slices
/// of equal time holding about `--window-rows` records on average, from the range's one total.
///
/// Not the run's row-sized planner: that one spends counting and locating requests to make every
/// window even, which a load needs (its merges and resumes) and a verify does not. Verify's cost
/// is one request for the range, one per window, and the pages of the windows it reads in full;
/// a window that is large for skewed data costs only its count, and when it is read, the reader
/// splits it in halves as in a run.
package enum VerifyWindowSizing {
    package static func windows(from: Timestamp, to: Timestamp, rangeTotal: Int?, request: RunRequest) -> (windows: [TimeWindow], reason: String) {
        if let calendar = WindowSizing.byCalendar(request, from: from, to: to) { return calendar }
        guard let rangeTotal else {
            return (WindowSizing.days(.createdAt, from: from, to: to), "by day: the API's envelope has no total to size by")
        }
        let count = max(1, (rangeTotal + request.targetWindowRows - 1) / request.targetWindowRows)
        let span = to.nanosecondsSinceEpoch - from.nanosecondsSinceEpoch
        // Whole seconds, at least one: the windows' bounds stay readable in the report.
        let seconds = max(1, (span / Int64(count) + Timestamp.nanosecondsPerSecond - 1) / Timestamp.nanosecondsPerSecond)
        let windows = WindowPlanner(field: .createdAt, size: .seconds(seconds)).windows(from: from, to: to)
        return (windows, "of equal time (\(shown(seconds: seconds))): the range's \(rangeTotal) records at about \(request.targetWindowRows) per window")
    }

    /// `21d22h`, `548d`, `3h5m`: days and hours for long windows, where seconds would be noise.
    private static func shown(seconds: Int64) -> String {
        guard seconds >= 86_400 else { return TimeSpan.seconds(seconds).readable }
        let hours = seconds % 86_400 / 3_600
        return "\(seconds / 86_400)d" + (hours > 0 ? "\(hours)h" : "")
    }
}
