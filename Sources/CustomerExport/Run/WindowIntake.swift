import CustomerExportCommon
import CustomerExportExtract
import CustomerExportNormalize
import CustomerExportDedupe

/// The one path a window's page takes before anything is done with its records: normalized,
/// held to the window's scope, deduped against the window's earlier pages, and counted.
///
/// A run encodes what this keeps and hands it to a loader (`PageChain`); verify remembers the
/// kept ids and versions and compares them with the table (`WindowChecker`). Both therefore
/// agree on what a window holds: the same normalizer, the same rule for a record outside its
/// window or the run's filters (`RecordScope`), the same newest version per id.
/// One intake per window, shared by the window's page jobs on the fetching threads.
package struct WindowIntake: Sendable {
    package let window: TimeWindow
    package let normalizer: CustomerNormalizer
    package let scope: RecordScope
    private let dedupe = WindowDeduplicator()

    /// What a page held, by what becomes of it.
    package struct Page {
        /// Every entry of the page counted once: kept, duplicate, stale, quarantined or outside.
        package var counts = ReadCounts()
        /// Rows newer than anything this window saw for their id, in page order.
        package var kept: [CustomerRow] = []
        package var quarantined: [QuarantinedRecord] = []
    }

    package init(window: TimeWindow, normalizer: CustomerNormalizer, scope: RecordScope) {
        self.window = window
        self.normalizer = normalizer
        self.scope = scope
    }

    package func take(_ page: FetchedPage) -> Page {
        var taken = Page()
        taken.counts.pages = 1
        taken.counts.rowsFetched = page.body.entryCount
        var rows: [CustomerRow] = []
        rows.reserveCapacity(page.body.entryCount)
        for record in normalizer.normalize(page: page.body) {
            switch record {
            case let .row(row):
                if let broken = scope.violation(of: row, in: window) {
                    taken.counts.outsideRange += 1
                    taken.counts.outside[keyPath: broken] += 1
                } else {
                    rows.append(row)
                }
            case let .quarantined(entry):
                taken.quarantined.append(entry)
            }
        }
        let deduped = dedupe.admit(rows)
        taken.kept = deduped.kept
        taken.counts.rowsKept = deduped.kept.count
        taken.counts.duplicates = deduped.duplicates
        taken.counts.stale = deduped.stale
        taken.counts.quarantined = taken.quarantined.count
        return taken
    }
}
