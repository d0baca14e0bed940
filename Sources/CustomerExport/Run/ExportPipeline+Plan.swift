import Foundation
import CustomerExportCommon
import CustomerExportExtract

/// What a run would do, measured without writing anything: `customer-export plan` and `--dry-run`.
package struct PlanPreview: Sendable, Codable {
    package struct Window: Sendable, Codable {
        package var from: String
        package var to: String
        package var total: Int?
        package var pages: Int
    }

    package var pipeline: String
    package var mode: String
    package var rangeFrom: String
    package var rangeTo: String
    /// The endpoint filters sent with every request, in query form (`none` when unfiltered).
    package var filters = "none"
    /// How the windows were cut, and from what.
    package var sizing = ""
    package var windows: [Window] = []
    package var totalRows = 0
    package var totalPages = 0
    /// Windows over the row limit, which the run would split.
    package var windowsToSplit = 0
    package var meanRequestSeconds = 0.0
    package var estimatedSeconds = 0.0

    /// One line per window, then the totals and the estimate.
    package var rendered: String {
        var lines = ["plan for \(mode) \(pipeline): [\(rangeFrom), \(rangeTo)), \(windows.count) windows, filters: \(filters)"]
        if !sizing.isEmpty { lines.append("  windows \(sizing)") }
        lines.append("  FROM                      TO                          TOTAL   PAGES")
        for window in windows {
            let total = window.total.map(String.init) ?? "?"
            lines.append("  \(window.from.padding(toLength: 26, withPad: " ", startingAt: 0)) \(window.to.padding(toLength: 26, withPad: " ", startingAt: 0)) \(String(repeating: " ", count: max(0, 7 - total.count)) + total) \(String(repeating: " ", count: max(0, 7 - String(window.pages).count)) + String(window.pages))")
        }
        lines.append("  \(totalRows) rows in \(totalPages) pages; \(windowsToSplit) windows over the row limit would be split")
        lines.append(String(format: "  estimate: %.0f s at the measured %.0f ms per request (nothing was written)", estimatedSeconds, meanRequestSeconds * 1000))
        return lines.joined(separator: "\n")
    }
}

extension ExportPipeline {
    /// Counts each window's rows with one `limit=1` request per window, in parallel, and
    /// estimates the run. Reads the watermark for incremental runs; writes nothing anywhere.
    package func plan() throws(ExportError) -> PlanPreview {
        try request.validate()
        let now = Timestamp.now()
        let range: ResolvedRange
        if request.mode == .incremental {
            let connection = try DatabaseSession.connect(request.databaseURL)
            defer { connection.close() }
            range = try RangeResolver(request: request, now: now).resolve(connection)
        } else {
            range = try RangeResolver(request: request, now: now).resolveFixedRange()
        }
        let transport: any HTTPTransport
        if let injected = self.transport { transport = injected } else { transport = try makeTransport() }
        defer { transport.shutdown() }
        let client = CustomersAPIClient(configuration: request.api, transport: transport, stats: RequestStats(), cancellation: cancellation)
        try preflight(client, range)
        let sizing = WindowSizing(request: request, client: client, logger: logger).plan(from: range.from, to: range.to)
        let windows = sizing.windows
        let measured: [(body: PageBody, seconds: Double)]
        do throws(ExtractError) {
            measured = try ParallelProbe.fetch(
                windows.map { PageRequest(window: $0, offset: 0, limit: 1) }, client: client, limiter: RequestLimiter(limit: request.concurrency))
        } catch {
            throw Self.describe(error, api: request.api)
        }

        var preview = PlanPreview(pipeline: request.pipeline, mode: request.mode.rawValue, rangeFrom: range.from.rfc3339, rangeTo: range.to.rfc3339)
        preview.filters = request.api.filters.summary
        preview.sizing = sizing.reason
        let pageLimit = request.api.pageLimit
        for (index, window) in windows.enumerated() {
            let total = measured[index].body.total
            let pages = total.map { max(1, ($0 + pageLimit - 1) / pageLimit) } ?? 1
            preview.windows.append(.init(from: window.from.rfc3339, to: window.to.rfc3339, total: total, pages: pages))
            preview.totalRows += total ?? 0
            preview.totalPages += pages
            if let total, request.reading.splits(windowOf: total) { preview.windowsToSplit += 1 }
        }
        let seconds = measured.map(\.seconds)
        preview.meanRequestSeconds = seconds.isEmpty ? 0 : seconds.reduce(0, +) / Double(seconds.count)
        preview.estimatedSeconds = Double(preview.totalPages) * preview.meanRequestSeconds / Double(request.concurrency)
        return preview
    }
}
