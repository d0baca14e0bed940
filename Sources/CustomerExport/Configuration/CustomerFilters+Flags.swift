/// Filters given as flags are a `CustomerFilters` too, where an empty list or nil means "not
/// given": each filter given replaces the pipeline file's value for that filter.
extension CustomerFilters {
    /// `file`'s filters with every filter given here replacing the file's.
    func replacing(in file: CustomerFilters) -> CustomerFilters {
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
