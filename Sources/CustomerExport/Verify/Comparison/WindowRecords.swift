import CustomerExportCommon
import CustomerExportExtract
import CustomerExportRun

/// The API's side of one window as verify reads it: each id's newest `updatedAt` (the version
/// the loader keeps), and the records a run would quarantine.
package struct WindowRecords: Sendable {
    package var records: [Int64: Timestamp] = [:]
    /// Ids of records the normalizer rejected: runs quarantine them, the table cannot have them.
    package var rejectedIds: Set<Int64> = []
    /// Rejected records without a readable id: nothing to compare them by.
    package var unidentified = 0

    package init() {}

    /// Takes what a window's intake kept of one page (`WindowIntake`, the run's path: the same
    /// scope, the same newest version per id) and the ids of the records it quarantined. Pages
    /// of one window are taken on several threads, so a version older than one already held
    /// can arrive last; it does not replace it.
    package mutating func add(kept rows: [CustomerRow], quarantined: [QuarantinedRecord]) {
        for row in rows {
            if let known = records[row.id], known >= row.updatedAt { continue }
            records[row.id] = row.updatedAt
        }
        for entry in quarantined {
            if let id = entry.sourceId.flatMap({ Int64($0) }) {
                rejectedIds.insert(id)
            } else {
                unidentified += 1
            }
        }
    }

    /// Takes a page through `intake`, as the checker does.
    package mutating func add(_ page: FetchedPage, through intake: WindowIntake) {
        let taken = intake.take(page)
        add(kept: taken.kept, quarantined: taken.quarantined)
    }
}
