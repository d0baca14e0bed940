
/// The contract's filters other than the date window, settable from a pipeline definition.
/// They narrow what is exported (one operator's customers, some types) and are sent on every request.
package struct CustomerFilters: Sendable, Equatable, Codable {
    package var types: [String] = []
    package var customerIds: [Int64] = []
    package var parentId: Int64?
    package var ownerId: Int64?
    package var operatorId: Int64?
    package var search: String?

    package init(
        types: [String] = [], customerIds: [Int64] = [], parentId: Int64? = nil,
        ownerId: Int64? = nil, operatorId: Int64? = nil, search: String? = nil
    ) {
        self.types = types
        self.customerIds = customerIds
        self.parentId = parentId
        self.ownerId = ownerId
        self.operatorId = operatorId
        self.search = search
    }

    package var isEmpty: Bool { self == CustomerFilters() }

    /// The filters in query-string form, for plans, status and messages: `types=business,fleet operatorId=7`.
    package var summary: String {
        var parts: [String] = []
        if !types.isEmpty { parts.append("types=" + types.joined(separator: ",")) }
        if !customerIds.isEmpty { parts.append("customerIds=" + customerIds.map(String.init).joined(separator: ",")) }
        if let parentId { parts.append("parentId=\(parentId)") }
        if let ownerId { parts.append("ownerId=\(ownerId)") }
        if let operatorId { parts.append("operatorId=\(operatorId)") }
        if let search { parts.append("search=\"\(search)\"") }
        return parts.isEmpty ? "none" : parts.joined(separator: " ")
    }

    /// Every key is optional: "no filter" may be an empty list or absent.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        types = try container.decodeIfPresent([String].self, forKey: .types) ?? []
        customerIds = try container.decodeIfPresent([Int64].self, forKey: .customerIds) ?? []
        parentId = try container.decodeIfPresent(Int64.self, forKey: .parentId)
        ownerId = try container.decodeIfPresent(Int64.self, forKey: .ownerId)
        operatorId = try container.decodeIfPresent(Int64.self, forKey: .operatorId)
        search = try container.decodeIfPresent(String.self, forKey: .search)
    }
}

/// How a deployment expects array parameters: `types=a&types=b` (the contract's default) or `types=a,b`.
package enum ArrayParameterStyle: String, Sendable, Codable, CaseIterable {
    case repeated
    case commaSeparated = "comma-separated"
}
