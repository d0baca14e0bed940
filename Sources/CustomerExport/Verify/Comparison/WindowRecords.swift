import CustomerExportCommon
import CustomerExportExtract

/// The API's side of one window as verify reads it: each id's newest `updatedAt` (the version
/// the loader keeps), and the records a run would quarantine.
package struct WindowRecords: Sendable {
    package var records: [Int64: Timestamp] = [:]
    /// Ids of records the normalizer rejected: runs quarantine them, the table cannot have them.
    package var rejectedIds: Set<Int64> = []
    /// Rejected records without a readable id: nothing to compare them by.
    package var unidentified = 0

    package init() {}

    /// Takes one normalized page: the rows `scope` keeps in `window` (the loader drops the
    /// others too, by the same rule), and the ids of rejected records. Returns the rows dropped.
    package mutating func add(_ page: [NormalizedRecord], window: TimeWindow, scope: RecordScope) -> OutsideCounts {
        var outside = OutsideCounts()
        for record in page {
            switch record {
            case let .row(row):
                if let broken = scope.violation(of: row, in: window) {
                    outside[keyPath: broken] += 1
                    continue
                }
                if let known = records[row.id], known >= row.updatedAt { continue }
                records[row.id] = row.updatedAt
            case let .quarantined(entry):
                if let id = entry.sourceId.flatMap({ Int64($0) }) {
                    rejectedIds.insert(id)
                } else {
                    unidentified += 1
                }
            }
        }
        return outside
    }
}
