import CustomerExportCommon
import CustomerExportExtract
import CustomerExportConfiguration

/// What `customer-export verify` compares and how: the settings of the range it checks (API,
/// filters, target, window size, concurrency, as a backfill of that range would use them), how
/// many windows whose counts agree it reads in full anyway (`WindowSample`), and whether it
/// repairs what differs.
package struct VerifyRequest: Sendable {
    package var run: RunRequest
    /// The windows whose counts agree that are read in full anyway.
    package var sample: WindowSample
    /// Reconcile the windows that differ, then verify them again.
    package var repair: Bool

    package init(run: RunRequest, sample: WindowSample = WindowSample(), repair: Bool = false) {
        self.run = run
        self.sample = sample
        self.repair = repair
    }

    /// Refuses what verify cannot check honestly, in one sentence each.
    package func validate() throws(ExportError) {
        try run.validate()
        guard run.mode != .incremental else {
            throw .configuration("verify checks a createdAt range; give it --from and --to (an incremental pipeline's file may be used for its other settings)")
        }
        try sample.validate()
        let filters = run.api.filters
        if filters.ownerId != nil || filters.search != nil {
            throw .configuration("verify cannot check the filters ownerId and search (\(filters.summary)) against the table, which keeps only each customer's parent and not the API's text matching; drop --owner-id and --search (and api.filters.ownerId/search) to verify the range")
        }
        if repair, !filters.isEmpty {
            throw .configuration("verify --repair cannot run with filters (\(filters.summary)): it repairs by reconcile, which would take the rows outside the filter for deleted; verify without --repair, or drop the filter flags")
        }
    }
}
