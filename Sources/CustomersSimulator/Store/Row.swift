/// One served record inside the store: its keys, its pre-serialised JSON and what search needs.
///
/// Rows live in one array indexed by "slot"; slots are never reused, so a deleted row stays
/// (marked) for the truth's `deleted` lines, and every index refers to rows by slot.
struct Row: Sendable {
    var keys: CustomerKeys
    /// Slot of the parent row, -1 for none (the hierarchy queries walk these).
    var parentSlot: Int32
    /// Set for the invalid records of `--poison`, `--hostile` and `--huge-records`; such rows
    /// are never mutated.
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
