import Foundation
import CustomerExportCommon
import CustomerExportExtract
import CustomerExportRun

/// What a verify would cost, from one request: `verify --dry-run`.
package struct VerifyPreview: Sendable, Codable {
    package var pipeline: String
    package var target: String
    package var rangeFrom: String
    package var rangeTo: String
    package var filters = "none"
    package var sizing = ""
    package var windows = 0
    /// The API's total for the range, when its envelope has one.
    package var rangeTotal: Int?
    /// One for the range, one per window.
    package var countingRequests = 0
    package var sampledWindows = 0
    package var sample = WindowSample.defaultFraction
    package var seed: UInt64 = 0
    /// Pages of the sampled windows, at the range's mean rows per window.
    package var sampledPages = 0
    /// Pages if every window's count differed and all were read in full.
    package var mostPages = 0

    package var rendered: String {
        [
            "verify plan for \(pipeline) in \(target): [\(rangeFrom), \(rangeTo)), filters: \(filters)",
            "  \(windows) windows \(sizing)",
            "  cost: \(countingRequests) counting requests (the range once, each window once), then about \(sampledPages) pages for the "
                + "\(sampledWindows) sampled windows (seed \(seed)), plus the pages of each window whose count differs from the table "
                + "(\(mostPages) pages if none agreed)",
            "  one request was sent to count the range; the table was not read",
        ].joined(separator: "\n")
    }
}

extension TableVerifier {
    /// Sizes the windows from the range's total (one `limit=1` request) and prices the verify;
    /// reads nothing else, writes nothing.
    package func preview() throws(ExportError) -> VerifyPreview {
        try request.validate()
        let run = request.run
        let range = try RangeResolver(request: run, now: .now()).resolveFixedRange()
        var preview = VerifyPreview(pipeline: run.pipeline, target: run.target.displayName, rangeFrom: range.from.rfc3339, rangeTo: range.to.rfc3339)
        preview.filters = run.api.filters.summary
        preview.sample = request.sample.fraction
        preview.seed = request.sample.seed
        guard range.from < range.to else { return preview }
        let transport: any HTTPTransport
        if let injected = self.transport { transport = injected } else { transport = try pipeline.makeTransport() }
        defer { transport.shutdown() }
        do throws(ExtractError) {
            preview.rangeTotal = try pipeline.makeClient(transport)
                .fetchProbe(PageRequest(window: TimeWindow(field: .createdAt, from: range.from, to: range.to), offset: 0, limit: 1)).body.total
        } catch {
            throw ExportPipeline.describe(error, api: run.api)
        }
        let sizing = VerifyWindowSizing.windows(from: range.from, to: range.to, rangeTotal: preview.rangeTotal, request: run)
        preview.sizing = sizing.reason
        preview.windows = sizing.windows.count
        preview.countingRequests = 1 + sizing.windows.count
        // Which windows agree is known only once counted; the sample is drawn from all of them here.
        preview.sampledWindows = request.sample.choose(from: Array(sizing.windows.indices)).count
        let pageLimit = run.api.pageLimit
        let rows = preview.rangeTotal ?? 0
        let perWindow = sizing.windows.isEmpty ? 0 : (rows + sizing.windows.count - 1) / sizing.windows.count
        preview.sampledPages = preview.sampledWindows * max(1, (perWindow + pageLimit - 1) / pageLimit)
        preview.mostPages = sizing.windows.count + rows / pageLimit
        return preview
    }
}
