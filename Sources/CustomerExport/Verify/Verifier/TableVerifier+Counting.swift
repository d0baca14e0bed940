import LibPQ
import CustomerExportCommon
import CustomerExportExtract
import CustomerExportRun

extension TableVerifier {
    /// The range's windows with the API's total and the table's live rows for each: one
    /// `limit=1` request for the whole range (it sizes the windows and checks the token), one
    /// per window in parallel, and one pass over the table.
    package func count(
        range: ResolvedRange, client: CustomersAPIClient, connection: PostgresConnection
    ) throws(ExportError) -> (windows: [CountedWindow], sizing: String) {
        let run = request.run
        let whole = TimeWindow(field: .createdAt, from: range.from, to: range.to)
        guard range.from < range.to else { return ([], "none: the range is empty") }
        let rangeTotal: Int?
        do throws(ExtractError) {
            rangeTotal = try client.fetchProbe(PageRequest(window: whole, offset: 0, limit: 1)).body.total
        } catch {
            throw ExportPipeline.describe(error, api: run.api)
        }
        let sizing = VerifyWindowSizing.windows(from: range.from, to: range.to, rangeTotal: rangeTotal, request: run)
        let windows = try countWindows(sizing.windows, rangeEnd: range.to, client: client, connection: connection)
        // Totals are evidence, not truth: windows that together count far more than their range
        // (an API whose total ignores the date bounds) make every count differ, and every window is
        // read in full. Said once, so the cost and the API figure are understood.
        let added = windows.reduce(0) { $0 + ($1.apiTotal ?? 0) }
        if let rangeTotal, windows.count > 1, added > rangeTotal + rangeTotal / 2 + 100 {
            logger.warning("the API's totals ignore the date bounds; every window is read in full", metadata: [
                "range_total": "\(rangeTotal)", "windows_total": "\(added)",
            ])
            return (windows, sizing.reason + "; the API's totals ignore the date bounds (the windows count \(added) records, the range \(rangeTotal)), so no count can be compared and every window is read in full")
        }
        return (windows, sizing.reason)
    }

    /// Each window's API total (one `limit=1` request each, in parallel) and the table's live rows.
    package func countWindows(
        _ windows: [TimeWindow], rangeEnd: Timestamp, client: CustomersAPIClient, connection: PostgresConnection
    ) throws(ExportError) -> [CountedWindow] {
        let run = request.run
        let totals: [Int?]
        do throws(ExtractError) {
            totals = try ParallelProbe.fetch(
                windows.map { PageRequest(window: $0, offset: 0, limit: 1) }, client: client, limiter: RequestLimiter(limit: run.concurrency)
            ).map(\.body.total)
        } catch {
            throw ExportPipeline.describe(error, api: run.api)
        }
        let rows: [Int]
        do throws(PostgresError) {
            rows = try TableWindowCounts(target: run.target, filter: TableFilter(filters: run.api.filters), rangeEnd: rangeEnd)
                .counts(windows, on: connection)
        } catch {
            throw DatabaseSession.describe(error, connectionString: run.databaseURL)
        }
        return zip(windows, zip(totals, rows)).map { CountedWindow(window: $0.0, apiTotal: $0.1.0, tableRows: $0.1.1) }
    }
}
