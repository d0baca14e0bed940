import CustomerExportCommon

/// What a record must be to belong to the window it was served for: its key timestamp within the
/// window's inclusive bounds and before the run's exclusive end, and every filter the request
/// sent that a record can be checked against on its own.
///
/// The API's answer is evidence, not truth: a server that ignores `createdAtFrom` or `types`
/// answers 200 with records the request excluded. The run and `verify` both keep a record only
/// when `violation(of:in:)` finds nothing wrong with it, so nothing outside the asked range or filters is
/// loaded or compared, and the counts of what was dropped name the filter the API ignores.
/// `ownerId` (descendants at any depth) and `search` (the server's own text match) cannot be
/// checked from one record and are trusted.
package struct RecordScope: Sendable {
    package let filters: CustomerFilters
    /// The run's exclusive end on the window field (`--to`), when it has one.
    package let rangeEnd: Timestamp?
    private let types: Set<String>
    private let customerIds: Set<Int64>

    package init(filters: CustomerFilters, rangeEnd: Timestamp?) {
        self.filters = filters
        self.rangeEnd = rangeEnd
        types = Set(filters.types.map { $0.lowercased() })
        customerIds = Set(filters.customerIds)
    }

    /// The bound or filter `row` breaks in `window`, or nil when it belongs there.
    @inlinable
    package func violation(of row: CustomerRow, in window: TimeWindow) -> WritableKeyPath<OutsideCounts, Int>? {
        let key = window.field == .createdAt ? row.createdAt : row.updatedAt
        if key < window.from { return \.beforeWindow }
        if key > window.to { return \.afterWindow }
        if let rangeEnd, key >= rangeEnd { return \.atRangeEnd }
        return filterViolation(of: row)
    }

    @usableFromInline
    func filterViolation(of row: CustomerRow) -> WritableKeyPath<OutsideCounts, Int>? {
        // Case-insensitive: a server that matches `Business` for `types=business` honours the filter.
        if !types.isEmpty, !(row.type.map { types.contains($0.lowercased()) } ?? false) { return \.types }
        if !customerIds.isEmpty, !customerIds.contains(row.id) { return \.customerIds }
        if let parentId = filters.parentId, row.parentId != parentId { return \.parentId }
        if let operatorId = filters.operatorId, row.operatorId != operatorId { return \.operatorId }
        return nil
    }
}
