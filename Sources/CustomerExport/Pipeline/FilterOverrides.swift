/// The endpoint's filters as command-line flags (`--type`, `--customer-id`, `--parent-id`,
/// `--owner-id`, `--operator-id`, `--search`). Empty or nil means "not given"; each one given
/// replaces the pipeline file's value for that filter.
public struct FilterOverrides: Sendable {
    public var types: [String] = []
    public var customerIds: [Int64] = []
    public var parentId: Int64?
    public var ownerId: Int64?
    public var operatorId: Int64?
    public var search: String?

    public init() {}

    /// `file`'s filters with every filter given here replacing the file's.
    func applied(to file: CustomerFilters) -> CustomerFilters {
        var filters = file
        if !types.isEmpty { filters.types = types }
        if !customerIds.isEmpty { filters.customerIds = customerIds }
        if let parentId { filters.parentId = parentId }
        if let ownerId { filters.ownerId = ownerId }
        if let operatorId { filters.operatorId = operatorId }
        if let search { filters.search = search }
        return filters
    }

    /// Where a filter's value came from, for the sentence that rejects it: the flag, or the key.
    func source(of filter: String) -> String {
        let given: [String: (flag: String, isSet: Bool)] = [
            "types": ("--type", !types.isEmpty), "customerIds": ("--customer-id", !customerIds.isEmpty),
            "parentId": ("--parent-id", parentId != nil), "ownerId": ("--owner-id", ownerId != nil),
            "operatorId": ("--operator-id", operatorId != nil), "search": ("--search", search != nil),
        ]
        guard let entry = given[filter], entry.isSet else { return "api.filters.\(filter)" }
        return entry.flag
    }
}
