/// A validated `GET /v1/customers` request: every parameter of the contract, defaults applied.
struct CustomerQuery: Sendable, Equatable {
    var limit = 50
    var offset = 0
    var sortBy: SortField = .id
    var descending = true
    /// Already folded for case-insensitive matching; nil when absent or empty.
    var search: [UInt8]?
    var customerIDs: Set<Int64>?
    /// The requested types; a type the simulator does not know simply matches nothing.
    var types: Set<String>?
    var parentID: Int64?
    var ownerID: Int64?
    var operatorID: Int64?
    /// `createdAt`, `createdAtFrom` and `createdAtTo` combined (all inclusive).
    var createdAt = InstantBounds()
    /// `updatedAt`, `updatedAtFrom` and `updatedAtTo` combined (all inclusive).
    var updatedAt = InstantBounds()
}

/// An inclusive interval of instants, open on either side when a bound is nil.
struct InstantBounds: Sendable, Equatable {
    var lower: Instant?
    var upper: Instant?

    var isUnbounded: Bool { lower == nil && upper == nil }

    /// Narrows to also satisfy `lower...`.
    mutating func raiseLower(to bound: Instant) {
        lower = lower.map { max($0, bound) } ?? bound
    }

    /// Narrows to also satisfy `...upper`.
    mutating func lowerUpper(to bound: Instant) {
        upper = upper.map { min($0, bound) } ?? bound
    }

    func contains(_ instant: Instant) -> Bool {
        if let lower, instant < lower { return false }
        if let upper, instant > upper { return false }
        return true
    }
}
