/// The kinds of customer in the source system's hierarchy: a charge point operator (CPO) at the
/// top, businesses under it, fleets under businesses, private customers under any of them.
enum CustomerType: String, CaseIterable, Sendable {
    case `operator`
    case business
    case fleet
    case `private`
}

/// One record as the API serves it, before serialisation.
///
/// Records are not kept in this form (millions of small strings would cost seconds and
/// gigabytes); the store keeps each record's bytes and the few keys it sorts and filters by,
/// and rebuilds this model from the record's recipe only when a mutation must re-serialise it.
/// The fields that poison records corrupt are enums, so "what the record says" and "what the
/// simulator knows" (its internal id and instants) stay separate.
struct Customer: Sendable {
    enum IDField: Sendable {
        case number(Int64)
        /// `"id": "123"`, a poison kind.
        case string(String)
        /// No `"id"` key at all, a poison kind.
        case missing
    }

    enum TimeField: Sendable {
        case valid(Timestamp)
        /// An unparseable string, a poison kind.
        case raw(String)
    }

    struct Address: Sendable {
        var line1: String?
        var city: String?
        var postalCode: String?
        var country: String?
    }

    var id: IDField
    var externalId: String?
    var name: String
    var type: CustomerType
    var status: String
    var parentId: Int64?
    var operatorId: Int64?
    var email: String?
    var phone: String?
    var countryCode: String?
    var address: Address?
    /// `.null` or an object whose keys vary.
    var metadata: JSONValue
    var createdAt: TimeField
    var updatedAt: TimeField
    /// Top-level fields the contract does not list (e.g. `loyaltyTier`, `tags`); a client must keep them.
    var extras: [(key: String, value: JSONValue)]
}

extension Customer {
    /// The record's JSON object, exactly as served.
    /// Exactly as many bytes as the record needs: a generous scratch buffer avoids regrowth while
    /// writing, and the final copy keeps millions of stored records free of spare capacity.
    var json: [UInt8] {
        var out = JSONWriter(capacity: 1024 + name.utf8.count)
        out.raw("{")
        switch id {
        case .number(let number):
            out.key("id")
            out.int(number)
            out.raw(",")
        case .string(let text):
            out.key("id")
            out.string(text)
            out.raw(",")
        case .missing:
            break
        }
        out.key("externalId")
        out.string(externalId)
        out.raw(",")
        out.key("name")
        out.string(name)
        out.raw(",")
        out.key("type")
        out.string(type.rawValue)
        out.raw(",")
        out.key("status")
        out.string(status)
        out.raw(",")
        out.key("parentId")
        out.int(parentId)
        out.raw(",")
        out.key("operatorId")
        out.int(operatorId)
        out.raw(",")
        out.key("email")
        out.string(email)
        out.raw(",")
        out.key("phone")
        out.string(phone)
        out.raw(",")
        out.key("countryCode")
        out.string(countryCode)
        out.raw(",")
        out.key("address")
        if let address {
            out.raw("{")
            out.key("line1")
            out.string(address.line1)
            out.raw(",")
            out.key("city")
            out.string(address.city)
            out.raw(",")
            out.key("postalCode")
            out.string(address.postalCode)
            out.raw(",")
            out.key("country")
            out.string(address.country)
            out.raw("}")
        } else {
            out.raw("null")
        }
        out.raw(",")
        out.key("metadata")
        out.value(metadata)
        out.raw(",")
        out.key("createdAt")
        Self.write(createdAt, into: &out)
        out.raw(",")
        out.key("updatedAt")
        Self.write(updatedAt, into: &out)
        for extra in extras {
            out.raw(",")
            out.string(extra.key)
            out.raw(":")
            out.value(extra.value)
        }
        out.raw("}")
        return out.bytes
    }

    private static func write(_ field: TimeField, into out: inout JSONWriter) {
        switch field {
        case .valid(let timestamp): out.timestamp(timestamp)
        case .raw(let text): out.string(text)
        }
    }
}
