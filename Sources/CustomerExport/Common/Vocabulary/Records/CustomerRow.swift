/// A customer as the target table stores it: typed columns plus the whole original record.
///
/// The typed columns are what reports query; `raw` keeps every field the API sent, including
/// ones this version does not know, so a new field is never lost between releases.
public struct CustomerRow: Sendable, Equatable {
    public var id: Int64
    public var externalId: String?
    public var name: String?
    public var type: String?
    public var status: String?
    public var parentId: Int64?
    public var operatorId: Int64?
    /// Lower-cased: addresses differ in case at the source, never in meaning.
    public var email: String?
    public var phone: String?
    /// Upper-cased ISO 3166-1 alpha-2.
    public var countryCode: String?
    /// The `address` object as JSON text, or nil when absent or null.
    public var addressJSON: [UInt8]?
    /// The `metadata` object as JSON text, or nil when absent or null.
    public var metadataJSON: [UInt8]?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    /// The record exactly as served, minus `\u0000` escapes that PostgreSQL cannot store.
    public var raw: [UInt8]
    /// What normalization had to change, e.g. `nul_removed`; empty for a clean record.
    public var qualityFlags: [String]

    public init(
        id: Int64, externalId: String? = nil, name: String? = nil, type: String? = nil, status: String? = nil,
        parentId: Int64? = nil, operatorId: Int64? = nil, email: String? = nil, phone: String? = nil,
        countryCode: String? = nil, addressJSON: [UInt8]? = nil, metadataJSON: [UInt8]? = nil,
        createdAt: Timestamp, updatedAt: Timestamp, raw: [UInt8], qualityFlags: [String] = []
    ) {
        self.id = id
        self.externalId = externalId
        self.name = name
        self.type = type
        self.status = status
        self.parentId = parentId
        self.operatorId = operatorId
        self.email = email
        self.phone = phone
        self.countryCode = countryCode
        self.addressJSON = addressJSON
        self.metadataJSON = metadataJSON
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.raw = raw
        self.qualityFlags = qualityFlags
    }
}
