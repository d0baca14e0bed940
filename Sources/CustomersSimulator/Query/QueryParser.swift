/// Turns a request's query string into a ``CustomerQuery``, or the 400 message that says which
/// parameter is wrong and what would be right.
///
/// Array parameters (`customerIds`, `types`) may be repeated, comma-separated, or both.
/// Scalars given twice are rejected rather than silently resolved. Unknown parameters are
/// ignored, as most APIs do.
struct QueryParser: Sendable {
    struct Invalid: Error, Equatable {
        var message: String
    }

    var maxLimit: Int

    func parse(_ rawQuery: String?) throws(Invalid) -> CustomerQuery {
        let query: QueryString
        do {
            query = try QueryString(rawQuery)
        } catch {
            throw Invalid(message: error.reason)
        }
        var result = CustomerQuery()

        if let limit = try integer("limit", in: query) {
            guard limit >= 1 else { throw Invalid(message: "limit must be at least 1, got \(limit)") }
            guard limit <= maxLimit else { throw Invalid(message: "limit must be at most \(maxLimit), got \(limit)") }
            result.limit = Int(limit)
        }
        if let offset = try integer("offset", in: query) {
            guard offset >= 0 else { throw Invalid(message: "offset must be 0 or more, got \(offset)") }
            result.offset = Int(min(offset, 1 << 40))  // beyond any dataset; keeps offset + limit from overflowing
        }
        if let text = try scalar("search", in: query), !text.isEmpty {
            result.search = SearchText.fold(text)
        }
        result.customerIDs = try list("customerIds", in: query).map { values throws(Invalid) in
            var ids = Set<Int64>()
            for value in values {
                guard let id = Int64(value) else { throw Invalid(message: "customerIds must be integers, got '\(value)'") }
                ids.insert(id)
            }
            return ids
        }
        result.types = try list("types", in: query).map(Set.init)
        result.parentID = try integer("parentId", in: query)
        result.ownerID = try integer("ownerId", in: query)
        result.operatorID = try integer("operatorId", in: query)

        let createdAt = try date("createdAt", in: query)
        let createdFrom = try date("createdAtFrom", in: query)
        let createdTo = try date("createdAtTo", in: query)
        let updatedAt = try date("updatedAt", in: query)
        let updatedFrom = try date("updatedAtFrom", in: query)
        let updatedTo = try date("updatedAtTo", in: query)
        for bound in [createdAt, createdFrom].compactMap(\.self) { result.createdAt.raiseLower(to: bound) }
        for bound in [createdAt, createdTo].compactMap(\.self) { result.createdAt.lowerUpper(to: bound) }
        for bound in [updatedAt, updatedFrom].compactMap(\.self) { result.updatedAt.raiseLower(to: bound) }
        for bound in [updatedAt, updatedTo].compactMap(\.self) { result.updatedAt.lowerUpper(to: bound) }

        // The contract's defaults: updatedAt* wins over createdAt*, which wins over id; a *From
        // bound turns the direction ascending.
        let defaultSort: SortField = !result.updatedAt.isUnbounded ? .updatedAt : !result.createdAt.isUnbounded ? .createdAt : .id
        result.sortBy = try enumeration("sortBy", in: query) ?? defaultSort
        let defaultDescending = createdFrom == nil && updatedFrom == nil
        result.descending = try enumeration("sortDirection", in: query).map { (direction: SortDirection) in direction == .desc }
            ?? defaultDescending
        return result
    }

    private enum SortDirection: String, CaseIterable {
        case asc
        case desc
    }

    // MARK: Typed readers

    private func scalar(_ name: String, in query: QueryString) throws(Invalid) -> String? {
        let values = query.values(name)
        guard values.count <= 1 else { throw Invalid(message: "\(name) was given \(values.count) times; give it once") }
        return values.first
    }

    private func integer(_ name: String, in query: QueryString) throws(Invalid) -> Int64? {
        guard let text = try scalar(name, in: query) else { return nil }
        guard let value = Int64(text) else { throw Invalid(message: "\(name) must be an integer, got '\(text)'") }
        return value
    }

    private func enumeration<Value: RawRepresentable & CaseIterable>(_ name: String, in query: QueryString) throws(Invalid) -> Value?
    where Value.RawValue == String {
        guard let text = try scalar(name, in: query) else { return nil }
        guard let value = Value(rawValue: text) else {
            let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw Invalid(message: "\(name) must be one of \(allowed), got '\(text)'")
        }
        return value
    }

    private func date(_ name: String, in query: QueryString) throws(Invalid) -> Instant? {
        guard let text = try scalar(name, in: query) else { return nil }
        do {
            return try RFC3339.parse(text)
        } catch {
            let hint = text.contains(" ") ? " (a '+' in a query string means a space: send the offset as %2B)" : ""
            throw Invalid(message: "\(name) must be an RFC 3339 date-time such as 2024-03-01T10:00:00Z, got '\(text)': \(error.reason)\(hint)")
        }
    }

    /// All items of an array parameter, from repeated and comma-separated values; nil if absent.
    private func list(_ name: String, in query: QueryString) throws(Invalid) -> [String]? {
        let values = query.values(name)
        guard !values.isEmpty else { return nil }
        let items = values.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard !items.contains(where: \.isEmpty) else { throw Invalid(message: "\(name) contains an empty item; send a non-empty list") }
        return items
    }
}
