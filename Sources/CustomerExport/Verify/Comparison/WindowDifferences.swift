import CustomerExportCommon

/// How one window's table rows differ from the API's records, and what is not a difference.
package struct WindowDifferences: Sendable, Codable, Equatable {
    /// In the API, not a live row of the table.
    package var missing = 0
    /// A live row of the table the API does not return: deleted upstream and not marked.
    package var extra = 0
    /// In both, with another `updatedAt` (the table's older; or newer, after a hand edit).
    package var stale = 0
    /// Records whose `updatedAt` is after the verify started (less `WindowComparison.clockAllowance`):
    /// live changes, not differences.
    package var changedDuringVerify = 0
    /// Extra rows explained by the window shrinking between its count and its read: customers
    /// deleted upstream while the verify ran (the API keeps no trace of which).
    package var deletedDuringVerify = 0
    /// Records the API serves that runs quarantine (they fail validation), by id.
    package var quarantined = 0
    /// Rejected records without a readable id, which nothing can be compared by.
    package var unidentified = 0
    /// Up to `exampleLimit` ids of each kind of difference, smallest first, to look up.
    package var examples: [String: [Int64]] = [:]

    package static let exampleLimit = 10

    package init() {}

    package var count: Int { missing + extra + stale }

    /// Takes `deletions` (the window's total at its count minus its total when read) off the
    /// extra rows: a past `createdAt` window shrinks only by deletions, so that many rows the
    /// table still holds were deleted after the verify counted them, not before.
    package mutating func explainExtras(byDeletions deletions: Int) {
        let explained = min(extra, max(0, deletions))
        extra -= explained
        deletedDuringVerify += explained
        if extra == 0 { examples["extra"] = nil }
    }

    package static func += (lhs: inout WindowDifferences, rhs: WindowDifferences) {
        lhs.missing += rhs.missing
        lhs.extra += rhs.extra
        lhs.stale += rhs.stale
        lhs.changedDuringVerify += rhs.changedDuringVerify
        lhs.deletedDuringVerify += rhs.deletedDuringVerify
        lhs.quarantined += rhs.quarantined
        lhs.unidentified += rhs.unidentified
    }
}
