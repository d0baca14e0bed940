/// The contract's filters other than the date window, settable from a pipeline definition.
/// They narrow what is exported (one operator's customers, some types) and are sent on every request.
public struct CustomerFilters: Sendable, Equatable, Codable {
    public var types: [String] = []
    public var customerIds: [Int64] = []
    public var parentId: Int64?
    public var ownerId: Int64?
    public var operatorId: Int64?
    public var search: String?

    public init(
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

    public var isEmpty: Bool { self == CustomerFilters() }

    /// Every key is optional in a pipeline file.
    public init(from decoder: any Decoder) throws {
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
public enum ArrayParameterStyle: String, Sendable, Codable, CaseIterable {
    case repeated
    case commaSeparated = "comma-separated"
}
