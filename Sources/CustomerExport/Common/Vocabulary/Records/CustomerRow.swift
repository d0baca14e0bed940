/// A customer as the target table stores it: typed columns plus the whole original record.
///
/// The typed columns are what reports query; `raw` keeps every field the API sent, including
/// ones this version does not know, so a new field is never lost between releases.
package struct CustomerRow: Sendable, Equatable {
    package var id: Int64
    package var externalId: String?
    package var name: String?
    package var type: String?
    package var status: String?
    package var parentId: Int64?
    package var operatorId: Int64?
    /// Lower-cased: addresses differ in case at the source, never in meaning.
    package var email: String?
    package var phone: String?
    /// Upper-cased ISO 3166-1 alpha-2.
    package var countryCode: String?
    /// The `address` object as JSON text, or nil when absent or null.
    package var addressJSON: [UInt8]?
    /// The `metadata` object as JSON text, or nil when absent or null.
    package var metadataJSON: [UInt8]?
    package var createdAt: Timestamp
    package var updatedAt: Timestamp
    /// The record exactly as served, minus `\u0000` escapes that PostgreSQL cannot store.
    package var raw: [UInt8]
    /// What normalization had to change, e.g. `nul_removed`; empty for a clean record.
    package var qualityFlags: [String]

    package init(
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
