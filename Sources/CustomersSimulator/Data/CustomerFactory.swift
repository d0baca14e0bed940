/// The keys of a record that the store sorts and filters by; everything else about the record
/// follows from `recipe` through ``CustomerFactory``.
struct CustomerKeys: Sendable {
    var id: Int64
    var type: CustomerType
    var parentId: Int64?
    var operatorId: Int64?
    var createdAt: Timestamp
    var updatedAt: Timestamp
    /// Seed of the record's own random stream (name, email, address, metadata...).
    var recipe: UInt64
}

/// Turns a record's keys and recipe into a full, realistic and occasionally hostile customer.
///
/// A pure function of its input, so that a record never needs to be stored as a model: the
/// store rebuilds it from the same recipe when a mutation changes it.
enum CustomerFactory {
    static func make(_ keys: CustomerKeys) -> Customer {
        var rng = SplitMix64(seed: keys.recipe)
        let name = decorate(baseName(for: keys.type, using: &rng), using: &rng)
        let country = rng.pick(Vocabulary.countries)
        return Customer(
            id: .number(keys.id),
            externalId: externalId(using: &rng),
            name: name,
            type: keys.type,
            status: rng.pick(Vocabulary.statuses),
            parentId: keys.parentId,
            operatorId: keys.operatorId,
            email: rng.chance(0.8) ? email(using: &rng) : nil,
            phone: rng.chance(0.6) ? phone(using: &rng) : nil,
            countryCode: rng.chance(0.9) ? randomCase(country, using: &rng) : nil,
            address: rng.chance(0.7) ? address(country: country, using: &rng) : nil,
            metadata: metadata(using: &rng),
            createdAt: .valid(keys.createdAt),
            updatedAt: .valid(keys.updatedAt),
            extras: extras(using: &rng)
        )
    }

    // MARK: Names

    static func baseName(for type: CustomerType, using rng: inout SplitMix64) -> String {
        switch type {
        case .operator:
            return rng.chance(0.5) ? rng.pick(Vocabulary.operatorNames) : "\(rng.pick(Vocabulary.operatorNames)) \(rng.pick(Vocabulary.cities))"
        case .business:
            let stem = rng.chance(0.7) ? rng.pick(Vocabulary.companyStems) : rng.pick(Vocabulary.familyNames)
            let suffix = rng.pick(Vocabulary.companySuffixes)
            return suffix.isEmpty ? stem : "\(stem) \(suffix)"
        case .fleet:
            let owner = rng.chance(0.5) ? rng.pick(Vocabulary.companyStems) : rng.pick(Vocabulary.familyNames)
            return "\(owner) \(rng.pick(Vocabulary.fleetWords)) \(rng.pick(Vocabulary.cities))"
        case .private:
            let person = "\(rng.pick(Vocabulary.givenNames)) \(rng.pick(Vocabulary.familyNames))"
            return rng.chance(0.04) ? "\(person) \(rng.pick(Vocabulary.emoji))" : person
        }
    }

    /// Now and then, the things that break naive CSV writers, trimming and string comparison.
    static func decorate(_ name: String, using rng: inout SplitMix64) -> String {
        guard rng.chance(0.06) else { return name }
        switch rng.below(6) {
        case 0: return "  \(name) "
        case 1: return name.replacingFirstSpace(with: "\t")
        case 2: return name.replacingFirstSpace(with: "\n")
        case 3: return "\"\(name)\""
        case 4: return "\(name) \\ Backslash"
        default: return "\(name) \"Jr.\"\r\n"
        }
    }

    // MARK: Contact details

    static func externalId(using rng: inout SplitMix64) -> String? {
        switch rng.below(10) {
        case 0, 1, 2: return nil
        case 3, 4, 5: return "CRM-\(100_000 + rng.below(900_000))"
        case 6, 7: return "crm-\(String(rng.next() % 0xFF_FFFF, radix: 16, uppercase: rng.chance(0.5)))"
        default: return "Ext_\(rng.below(1_000_000))-\(rng.pick(["A", "b", "Ü", "x"]))"
        }
    }

    static func email(using rng: inout SplitMix64) -> String {
        let local = "\(rng.pick(Vocabulary.asciiGivenNames)).\(rng.pick(Vocabulary.asciiFamilyNames))\(rng.below(100))"
        return "\(randomCase(local, using: &rng))@\(rng.pick(Vocabulary.emailDomains))"
    }

    static func phone(using rng: inout SplitMix64) -> String {
        let prefix = rng.pick(["+49", "+33", "+34", "+48", "+45", "0049", "+81", ""])
        return "\(prefix) \(10 + rng.below(890)) \(1_000_000 + rng.below(8_999_999))".trimmingLeadingSpace()
    }

    static func address(country: String, using rng: inout SplitMix64) -> Customer.Address {
        Customer.Address(
            line1: rng.chance(0.95) ? "\(rng.pick(Vocabulary.streets)) \(1 + rng.below(250))" : nil,
            city: rng.chance(0.95) ? rng.pick(Vocabulary.cities) : nil,
            postalCode: rng.chance(0.9) ? String(10_000 + rng.below(89_999)) : nil,
            country: rng.chance(0.9) ? randomCase(country, using: &rng) : nil
        )
    }

    /// Mixed-case spellings of the same code or address: `DE`, `de`, `De`.
    static func randomCase(_ text: String, using rng: inout SplitMix64) -> String {
        switch rng.below(6) {
        case 0: return text.lowercased()
        case 1: return text.prefix(1).uppercased() + text.dropFirst().lowercased()
        default: return text
        }
    }

    // MARK: Free-form parts

    static func metadata(using rng: inout SplitMix64) -> JSONValue {
        switch rng.below(10) {
        case 0, 1, 2: return .null
        case 3: return .object([])
        default:
            var members: [(key: String, value: JSONValue)] = [("source", .string(rng.pick(Vocabulary.sources)))]
            if rng.chance(0.5) { members.append(("crmId", .int(Int64(rng.below(10_000_000))))) }
            if rng.chance(0.3) { members.append(("segment", .string(rng.pick(["b2b", "b2c", "fleet", "public-sector"])))) }
            if rng.chance(0.2) { members.append(("consent", .object([("marketing", .bool(rng.chance(0.5))), ("since", .string("2022-05-0\(1 + rng.below(9))"))]))) }
            if rng.chance(0.1) { members.append(("notes", .string("Rückruf erbeten – \"dringend\"\n☎️"))) }
            if rng.chance(0.1) { members.append(("legacyIds", .array([.int(Int64(rng.below(99_999))), .string("L-\(rng.below(999))")]))) }
            return .object(members)
        }
    }

    /// Top-level fields outside the contract, on a few records.
    static func extras(using rng: inout SplitMix64) -> [(key: String, value: JSONValue)] {
        var extras: [(key: String, value: JSONValue)] = []
        if rng.chance(0.05) { extras.append(("loyaltyTier", .string(rng.pick(Vocabulary.loyaltyTiers)))) }
        if rng.chance(0.04) {
            extras.append(("tags", .array((0..<(1 + rng.below(3))).map { _ in .string(rng.pick(Vocabulary.tags)) })))
        }
        if rng.chance(0.01) { extras.append(("vatNumber", rng.chance(0.5) ? .null : .string("DE\(100_000_000 + rng.below(899_999_999))"))) }
        return extras
    }
}

extension String {
    fileprivate func replacingFirstSpace(with replacement: Character) -> String {
        guard let index = firstIndex(of: " ") else { return self + String(replacement) }
        var copy = self
        copy.replaceSubrange(index...index, with: String(replacement))
        return copy
    }

    fileprivate func trimmingLeadingSpace() -> String {
        first == " " ? String(dropFirst()) : self
    }
}
