import CustomerExportCommon
import CustomerExportExtract
import CustomerExportConfiguration

/// What `customer-export verify` compares and how: the settings of the range it checks (API,
/// filters, target, window size, concurrency, as a backfill of that range would use them), how
/// many windows whose counts agree it reads in full anyway, and whether it repairs what differs.
///
/// Equal counts can hide a missing row beside an extra one, and say nothing of stale rows; the
/// sample is what looks past them, seeded so that a verify that found something can be run
/// again on the same windows.
package struct VerifyRequest: Sendable {
    package var run: RunRequest
    /// The share of the windows whose counts agree that are read in full anyway, from 0 to 1;
    /// at least one window when above 0.
    package var sampleFraction: Double
    /// Seed of the sample, printed with the result.
    package var seed: UInt64
    /// Reconcile the windows that differ, then verify them again.
    package var repair: Bool

    package static let defaultSampleFraction = 0.03

    package init(run: RunRequest, sampleFraction: Double = VerifyRequest.defaultSampleFraction, seed: UInt64? = nil, repair: Bool = false) {
        self.run = run
        self.sampleFraction = sampleFraction
        self.seed = seed ?? UInt64.random(in: 1...999_999)
        self.repair = repair
    }

    /// Refuses what verify cannot check honestly, in one sentence each.
    package func validate() throws(ExportError) {
        try run.validate()
        guard run.mode != .incremental else {
            throw .configuration("verify checks a createdAt range; give it --from and --to (an incremental pipeline's file may be used for its other settings)")
        }
        guard sampleFraction >= 0, sampleFraction <= 1 else {
            throw .configuration("--sample must be a share of the windows between 0 and 1 (or 0% and 100%), e.g. 0.05 or 5%")
        }
        let filters = run.api.filters
        if filters.ownerId != nil || filters.search != nil {
            throw .configuration("verify cannot check the filters ownerId and search (\(filters.summary)) against the table, which keeps only each customer's parent and not the API's text matching; drop --owner-id and --search (and api.filters.ownerId/search) to verify the range")
        }
        if repair, !filters.isEmpty {
            throw .configuration("verify --repair cannot run with filters (\(filters.summary)): it repairs by reconcile, which would take the rows outside the filter for deleted; verify without --repair, or drop the filter flags")
        }
    }
}
