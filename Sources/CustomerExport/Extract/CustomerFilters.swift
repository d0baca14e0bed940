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

    /// Checks the values the API would accept but that cannot be meant: a blank type or search,
    /// an id that no customer can have. `source` names where they came from (`--type` or
    /// `api.filters.types`) in the sentence. The contract gives type values only as examples,
    /// so unknown types are passed on, not refused.
    public func validate(source: (String) -> String) throws(ExportError) {
        if let blank = types.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw .configuration("\(source("types")) has an empty value (entry \(blank + 1)); give a customer type such as business or fleet")
        }
        for (name, id) in [("customerIds", customerIds.min()), ("parentId", parentId), ("ownerId", ownerId), ("operatorId", operatorId)] {
            if let id, id <= 0 {
                throw .configuration("\(source(name)) must be a positive customer id (got \(id))")
            }
        }
        if let search, search.trimmingCharacters(in: .whitespaces).isEmpty {
            throw .configuration("\(source("search")) is empty; give the text to search for, or leave it out")
        }
    }

    /// The filters in query-string form, for plans, status and messages: `types=business,fleet operatorId=7`.
    public var summary: String {
        var parts: [String] = []
        if !types.isEmpty { parts.append("types=" + types.joined(separator: ",")) }
        if !customerIds.isEmpty { parts.append("customerIds=" + customerIds.map(String.init).joined(separator: ",")) }
        if let parentId { parts.append("parentId=\(parentId)") }
        if let ownerId { parts.append("ownerId=\(ownerId)") }
        if let operatorId { parts.append("operatorId=\(operatorId)") }
        if let search { parts.append("search=\"\(search)\"") }
        return parts.isEmpty ? "none" : parts.joined(separator: " ")
    }

    /// Every key is optional in a pipeline file (an empty list there is refused by
    /// `PipelineDefinition`; stored run parameters encode "no filter" as one).
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
