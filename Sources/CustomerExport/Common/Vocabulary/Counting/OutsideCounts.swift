/// Records a page held that the request excluded, by the bound or filter each one breaks.
///
/// A server that ignores a filter is indistinguishable from one that honours it until its
/// records are checked one by one: these counts are that check's evidence, and the run names the
/// filter an API ignores from them (`createdAtFrom is ignored: 3848 of 6000 records ...`).
/// A record breaking several is counted under the first, in the order of the fields.
package struct OutsideCounts: Sendable, Equatable, Codable {
    /// Key timestamp before the window's inclusive start (`createdAtFrom`/`updatedAtFrom` ignored).
    package var beforeWindow = 0
    /// Key timestamp after the window's inclusive end (`createdAtTo`/`updatedAtTo` ignored).
    package var afterWindow = 0
    /// Inside the window's inclusive bounds but at or after the run's exclusive end (`--to`):
    /// the contract's inclusive bound returns these, so they are expected, not evidence.
    package var atRangeEnd = 0
    package var types = 0
    package var customerIds = 0
    package var parentId = 0
    package var operatorId = 0

    package init() {}

    package var total: Int { beforeWindow + afterWindow + atRangeEnd + types + customerIds + parentId + operatorId }

    package static func += (total: inout OutsideCounts, more: OutsideCounts) {
        total.beforeWindow += more.beforeWindow
        total.afterWindow += more.afterWindow
        total.atRangeEnd += more.atRangeEnd
        total.types += more.types
        total.customerIds += more.customerIds
        total.parentId += more.parentId
        total.operatorId += more.operatorId
    }
}
