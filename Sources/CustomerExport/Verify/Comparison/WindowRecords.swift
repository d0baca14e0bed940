import CustomerExportVocabulary

/// The API's side of one window as verify reads it: each id's newest `updatedAt` (the version
/// the loader keeps), and the records a run would quarantine.
package struct WindowRecords: Sendable {
    package var records: [Int64: Timestamp] = [:]
    /// Ids of records the normalizer rejected: runs quarantine them, the table cannot have them.
    package var rejectedIds: Set<Int64> = []
    /// Rejected records without a readable id: nothing to compare them by.
    package var unidentified = 0

    package init() {}

    /// Takes one normalized page: rows inside `window` and before `rangeEnd` (the loader drops
    /// the others too), and the ids of rejected records. Returns the rows outside.
    package mutating func add(_ page: [NormalizedRecord], window: TimeWindow, rangeEnd: Timestamp) -> Int {
        var outside = 0
        for record in page {
            switch record {
            case let .row(row):
                guard row.createdAt >= window.from, row.createdAt <= window.to, row.createdAt < rangeEnd else {
                    outside += 1
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
