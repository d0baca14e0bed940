/// One served record inside the store: its keys, its pre-serialised JSON and what search needs.
///
/// Rows live in one array indexed by "slot"; slots are never reused, so a deleted row stays
/// (marked) for the truth's `deleted` lines, and every index refers to rows by slot.
struct Row: Sendable {
    var keys: CustomerKeys
    /// Slot of the parent row, -1 for none (the hierarchy queries walk these).
    var parentSlot: Int32
    /// Set for the invalid records of `--poison`; such rows are never mutated.
    var poison: PoisonKind?
    var isDeleted = false
    /// A `duplicate-older` poison row shares this row's id; the row is therefore never deleted.
    var hasDuplicate = false
    /// The model as last mutated; `nil` while the row is as generated (then the factory
    /// rebuilds it from `keys.recipe`).
    var edited: Edited?
    /// UTF-8 of `name`: the name sort compares these bytes (code-point order).
    var name: [UInt8]
    /// Lower-cased `name`, a 0 byte, lower-cased `externalId`: what `search` scans.
    var searchText: [UInt8]
    /// The record exactly as served.
    var json: [UInt8]

    var id: Int64 { keys.id }
    var createdAt: Instant { keys.createdAt.instant }
    var updatedAt: Instant { keys.updatedAt.instant }

    /// An immutable box keeping `Row` small for the millions of rows that are never edited.
    final class Edited: Sendable {
        let customer: Customer
        init(_ customer: Customer) { self.customer = customer }
    }

    /// A row showing `customer`; `folding` lets a generator share case folding across rows.
    init(keys: CustomerKeys, parentSlot: Int32, customer: Customer, poison: PoisonKind? = nil, folding: inout FoldingCache) {
        self.keys = keys
        self.parentSlot = parentSlot
        self.poison = poison
        self.name = []
        self.searchText = []
        self.json = []
        render(customer, folding: &folding)
    }

    init(keys: CustomerKeys, parentSlot: Int32, customer: Customer) {
        var folding = FoldingCache()
        self.init(keys: keys, parentSlot: parentSlot, customer: customer, folding: &folding)
    }

    /// The row's current model (rebuilt from the recipe if it was never edited).
    var customer: Customer {
        edited?.customer ?? CustomerFactory.make(keys)
    }

    /// Replaces the row's content after a mutation.
    mutating func store(_ customer: Customer) {
        edited = Edited(customer)
        var folding = FoldingCache()
        render(customer, folding: &folding)
    }

    private mutating func render(_ customer: Customer, folding: inout FoldingCache) {
        name = Array(customer.name.utf8)
        let externalId = customer.externalId.map { folding.fold($0) } ?? []
        var text = folding.fold(customer.name)
        text.reserveCapacity(text.count + 1 + externalId.count)
        text.append(0)
        text.append(contentsOf: externalId)
        searchText = text
        json = customer.json
    }
}

/// Case folding for `search`, scalar by scalar (as `String.lowercased()` does): ASCII is
/// lowered in place, anything else through its Unicode lowercase mapping, so `MÜLLER` finds
/// `Müller`.
enum SearchText {
    static func fold(_ text: String) -> [UInt8] {
        var folding = FoldingCache()
        return folding.fold(text)
    }

    /// Whether `needle` occurs in `haystack` (both already folded); a plain scan keyed on the
    /// first byte, which is fast for the short needles people search for.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                var start = 0
                let last = hay.count - pin.count
                while start <= last {
                    if hay[start] == first {
                        var matched = 1
                        while matched < pin.count && hay[start + matched] == pin[matched] { matched += 1 }
                        if matched == pin.count { return true }
                    }
                    start += 1
                }
                return false
            }
        }
    }
}

/// Folds text for ``SearchText``, remembering the lowercase mapping of each non-ASCII scalar:
/// looking the mapping up costs far more than the rest of building a row, and generated names
/// reuse few scalars.
struct FoldingCache {
    private var mappings: [UInt32: [UInt8]] = [:]

    mutating func fold(_ text: String) -> [UInt8] {
        var folded: [UInt8] = []
        folded.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                folded.append((UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte)
            } else if let known = mappings[scalar.value] {
                folded.append(contentsOf: known)
            } else {
                let mapping = Array(scalar.properties.lowercaseMapping.utf8)
                mappings[scalar.value] = mapping
                folded.append(contentsOf: mapping)
            }
        }
        return folded
    }
}
