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
    /// Bytes served inside `name`'s quotes after the escaped `name`, verbatim: the lone
    /// surrogate or invalid UTF-8 of a hostile record (empty for every other record).
    var nameTail: [UInt8] = []
    /// ASCII filler served at the end of `name` (after `nameTail`): the bulk of a `huge-record`,
    /// written straight into the record's bytes so it is never held twice.
    var namePadding = 0
}

extension Customer {
    /// The record's JSON object, exactly as served, in exactly as many bytes as it needs: a
    /// generous scratch buffer avoids regrowth while writing, and the final copy keeps millions
    /// of stored records free of spare capacity.
    var json: [UInt8] {
        var out = JSONWriter(capacity: 1024 + name.utf8.count + nameTail.count)
        let paddingAt = write(into: &out)
        guard namePadding > 0 else { return out.bytes }
        // A huge record: one array of its final size, the filler spliced in before the closing
        // quote of `name`, and no intermediate copy of it.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(out.count + namePadding)
        out.withUnsafeBytes { written in
            bytes.append(contentsOf: written[..<paddingAt])
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: namePadding))
            bytes.append(contentsOf: written[paddingAt...])
        }
        return bytes
    }

    /// Writes the record's object into `out`; returns the offset of `name`'s closing quote
    /// (where ``namePadding`` belongs).
    private func write(into out: inout JSONWriter) -> Int {
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
            break  // a poison record: the object starts with externalId
        }
        out.key("externalId")
        out.string(externalId)
        out.nextKey("name")
        out.string(name, verbatimTail: nameTail)
        let paddingAt = out.count - 1
        out.nextKey("type")
        out.string(type.rawValue)
        out.nextKey("status")
        out.string(status)
        out.nextKey("parentId")
        out.int(parentId)
        out.nextKey("operatorId")
        out.int(operatorId)
        out.nextKey("email")
        out.string(email)
        out.nextKey("phone")
        out.string(phone)
        out.nextKey("countryCode")
        out.string(countryCode)
        out.nextKey("address")
        if let address {
            out.raw("{")
            out.key("line1")
            out.string(address.line1)
            out.nextKey("city")
            out.string(address.city)
            out.nextKey("postalCode")
            out.string(address.postalCode)
            out.nextKey("country")
            out.string(address.country)
            out.raw("}")
        } else {
            out.raw("null")
        }
        out.nextKey("metadata")
        out.value(metadata)
        out.nextKey("createdAt")
        Self.write(createdAt, into: &out)
        out.nextKey("updatedAt")
        Self.write(updatedAt, into: &out)
        for extra in extras {
            out.raw(",")
            out.string(extra.key)
            out.raw(":")
            out.value(extra.value)
        }
        out.raw("}")
        return paddingAt
    }

    private static func write(_ field: TimeField, into out: inout JSONWriter) {
        switch field {
        case .valid(let timestamp): out.timestamp(timestamp)
        case .raw(let text): out.string(text)
        }
    }
}
