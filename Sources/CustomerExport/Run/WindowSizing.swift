import Logging
import CustomerExportCommon
import CustomerExportExtract
import CustomerExportConfiguration

/// Plans a run's windows: by rows, from the API's counts (`RowSizedPlanner`), so that the
/// defaults are fast on sparse and dense data alike. An explicit `--window` is taken as given
/// (the calendar, no counting requests), and a day is the fallback when the API cannot count,
/// because its envelope has no total or it does not answer.
package struct WindowSizing {
    package let request: RunRequest
    package let client: CustomersAPIClient
    package let logger: Logger

    /// The windows for `[from, to)`, and why they are what they are, for `plan` and the log.
    package func plan(from: Timestamp, to: Timestamp) -> (windows: [TimeWindow], reason: String) {
        if let calendar = Self.byCalendar(request, from: from, to: to) { return calendar }
        let planner = RowSizedPlanner(field: request.field, targetRows: request.targetWindowRows, reading: request.reading)
        let limiter = RequestLimiter(limit: request.concurrency, label: "customer-export.planning")
        func days() -> [TimeWindow] { Self.days(request.field, from: from, to: to) }
        do throws(ExtractError) {
            guard let plan = try planner.plan(
                from: from, to: to,
                count: { (parts: [TimeWindow]) throws(ExtractError) -> [Int?] in
                    try probe(parts.map { ($0, 0) }, limiter).map(\.body.total)
                },
                locate: { (ranks: [RowSizedPlanner.Rank]) throws(ExtractError) -> [Timestamp?] in
                    try probe(ranks.map { ($0.part, $0.offset) }, limiter).map { $0.body.firstRecordInstant(of: request.field) }
                })
            else {
                return (days(), "by day: the API's envelope has no total to count with")
            }
            if plan.totalsContradict {
                logger.warning("the API's totals ignore the date bounds (halves counted more than their whole); windows are not sized by them", metadata: ["requests": "\(plan.probes)"])
                return (plan.windows.map(\.window), "as counted before the API's totals contradicted each other (\(plan.probes) counting requests); each window is read to its last page")
            }
            let rows = plan.windows.reduce(0) { $0 + $1.rows }
            return (plan.windows.map(\.window),
                    "sized by rows: about \(request.targetWindowRows) per window, from \(plan.probes) counting requests (\(rows) rows counted)")
        } catch {
            logger.warning("could not count the range's records; windows follow the calendar", metadata: ["reason": "\(error)"])
            return (days(), "by day: the API could not count (\(error))")
        }
    }

    /// `--window` as given: windows by the calendar, with no counting request; nil without it.
    /// Verify cuts its range the same way when the flag is given (`VerifyWindowSizing`).
    package static func byCalendar(_ request: RunRequest, from: Timestamp, to: Timestamp) -> (windows: [TimeWindow], reason: String)? {
        guard let size = request.windowSize else { return nil }
        return (WindowPlanner(field: request.field, size: size).windows(from: from, to: to), "by the calendar: --window \(size), as given")
    }

    /// Windows of a day: the fallback when the API cannot count.
    package static func days(_ field: WindowField, from: Timestamp, to: Timestamp) -> [TimeWindow] {
        WindowPlanner(field: field, size: .days(1)).windows(from: from, to: to)
    }

    /// One `limit=1` request per (part, offset), in parallel; the answers in the order asked.
    private func probe(_ requests: [(TimeWindow, Int)], _ limiter: RequestLimiter) throws(ExtractError) -> [(body: PageBody, seconds: Double)] {
        try ParallelProbe.fetch(requests.map { PageRequest(window: $0.0, offset: $0.1, limit: 1) }, client: client, limiter: limiter)
    }
}
