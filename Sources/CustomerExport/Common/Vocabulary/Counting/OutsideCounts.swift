/// Records a page held that the request excluded, by the bound or filter each one breaks.
///
/// A server that ignores a filter is indistinguishable from one that honours it until its
/// records are checked one by one: these counts are that check's evidence, and the run names the
/// filter an API ignores from them (`createdAtFrom is ignored: 3848 of 6000 records ...`).
/// A record breaking several is counted under the first, in the order of the fields.
public struct OutsideCounts: Sendable, Equatable, Codable {
    /// Key timestamp before the window's inclusive start (`createdAtFrom`/`updatedAtFrom` ignored).
    public var beforeWindow = 0
    /// Key timestamp after the window's inclusive end (`createdAtTo`/`updatedAtTo` ignored).
    public var afterWindow = 0
    /// Inside the window's inclusive bounds but at or after the run's exclusive end (`--to`):
    /// the contract's inclusive bound returns these, so they are expected, not evidence.
    public var atRangeEnd = 0
    public var types = 0
    public var customerIds = 0
    public var parentId = 0
    public var operatorId = 0

    public init() {}

    public var total: Int { beforeWindow + afterWindow + atRangeEnd + types + customerIds + parentId + operatorId }

    public static func += (total: inout OutsideCounts, more: OutsideCounts) {
        total.beforeWindow += more.beforeWindow
        total.afterWindow += more.afterWindow
        total.atRangeEnd += more.atRangeEnd
        total.types += more.types
        total.customerIds += more.customerIds
        total.parentId += more.parentId
        total.operatorId += more.operatorId
    }
}
