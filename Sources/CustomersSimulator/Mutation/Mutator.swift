/// The changes live data goes through.
enum MutationKind: String, CaseIterable, Sendable {
    case create
    case update
    case delete
}

/// One performed mutation, as `/__admin/mutate` reports it.
struct MutationRecord: Sendable, Equatable {
    var kind: MutationKind
    var id: Int64
}

/// Creates, updates and deletes customers in a store, choosing what and how with its own
/// seeded generator (the "when" is the caller's: the background loop or `/__admin/mutate`).
///
/// Only valid customers are touched; poison rows are never mutated. Only private customers
/// without a `duplicate-older` twin are deleted, so the hierarchy never dangles and every twin
/// keeps its original.
struct Mutator: Sendable {
    private var rng: SplitMix64

    init(seed: UInt64) {
        rng = SplitMix64(seed: SplitMix64.mix(seed, 0x4D55_5441_5445))  // "MUTATE"
    }

    /// Performs one mutation of `kind` (or of a random kind: half updates, a quarter each of
    /// creates and deletes) stamped `now`; nil if no row qualifies.
    mutating func perform(_ kind: MutationKind?, on store: inout CustomerStore, now: Instant) -> MutationRecord? {
        let chosen = kind ?? [.update, .update, .create, .delete][rng.below(4)]
        switch chosen {
        case .create: return create(in: &store, now: now)
        case .update: return update(in: &store, now: now)
        case .delete: return delete(in: &store)
        }
    }

    private mutating func create(in store: inout CustomerStore, now: Instant) -> MutationRecord {
        let type: CustomerType = [.private, .private, .private, .private, .private, .fleet, .business][rng.below(7)]
        let parentType: CustomerType = switch type {
        case .business: .operator
        case .fleet: .business
        default: rng.chance(0.7) ? .business : .fleet
        }
        let parentSlot = randomLiveCustomer(in: store) { $0.keys.type == parentType }
            ?? randomLiveCustomer(in: store) { $0.keys.type == .operator }
        let parent = parentSlot.map { store.rows[Int($0)] }
        let created = TimestampStyle.randomTimestamp(at: now.truncated(toFractionDigits: TimestampStyle.randomDigits(using: &rng)), using: &rng)
        let keys = CustomerKeys(
            id: store.largestID + Int64(1 + rng.below(5)),
            type: type,
            parentId: parent?.id,
            operatorId: parent.flatMap { $0.keys.type == .operator ? $0.id : $0.keys.operatorId },
            createdAt: created,
            updatedAt: Timestamp(instant: created.instant, spelling: TimestampStyle.randomSpelling(for: created.instant, using: &rng)),
            recipe: rng.next()
        )
        store.append(Row(keys: keys, parentSlot: parentSlot ?? -1, customer: CustomerFactory.make(keys)))
        return MutationRecord(kind: .create, id: keys.id)
    }

    private mutating func update(in store: inout CustomerStore, now: Instant) -> MutationRecord? {
        guard let slot = randomLiveCustomer(in: store, where: { _ in true }) else { return nil }
        let previous = store.rows[Int(slot)]
        // An update moves `updatedAt` (the contract says so, and exporters key on it), even when
        // the clock, cut to this stamp's precision, has not passed the previous one: then it is
        // the next whole millisecond. Reusing the previous stamp made an update invisible to any
        // reader that had already read past that instant.
        var stamped = now.truncated(toFractionDigits: TimestampStyle.randomDigits(using: &rng))
        if stamped <= previous.updatedAt {
            stamped = Instant(nanoseconds: (previous.updatedAt.nanoseconds / 1_000_000 + 1) * 1_000_000)
        }
        let updatedAt = TimestampStyle.randomTimestamp(at: stamped, using: &rng)
        var customer = previous.customer
        customer.status = rng.pick(Vocabulary.statuses)
        if rng.chance(0.3) { customer.email = CustomerFactory.email(using: &rng) }
        if rng.chance(0.2) { customer.name = CustomerFactory.baseName(for: previous.keys.type, using: &rng) }
        customer.updatedAt = .valid(updatedAt)
        store.replace(slot) { row in
            row.keys.updatedAt = updatedAt
            row.store(customer)
        }
        return MutationRecord(kind: .update, id: previous.id)
    }

    private mutating func delete(in store: inout CustomerStore) -> MutationRecord? {
        guard let slot = randomLiveCustomer(in: store, where: { $0.keys.type == .private && !$0.hasDuplicate }) else { return nil }
        store.delete(slot)
        return MutationRecord(kind: .delete, id: store.rows[Int(slot)].id)
    }

    /// A random live valid customer satisfying `condition`: random probes first (cheap while
    /// most rows qualify), then one pass from a random start so a rare match is still found.
    private mutating func randomLiveCustomer(in store: CustomerStore, where condition: (Row) -> Bool) -> Int32? {
        let rows = store.rows
        guard !rows.isEmpty else { return nil }
        func qualifies(_ slot: Int) -> Bool {
            rows[slot].poison == nil && !rows[slot].isDeleted && condition(rows[slot])
        }
        for _ in 0..<64 {
            let slot = rng.below(rows.count)
            if qualifies(slot) { return Int32(slot) }
        }
        let start = rng.below(rows.count)
        for step in 0..<rows.count where qualifies((start + step) % rows.count) {
            return Int32((start + step) % rows.count)
        }
        return nil
    }

    /// Makes the poison rows of `kind` (every kind a client quarantines when nil) valid again,
    /// as a source fixing its data would: the generated record, an integer id, and `updatedAt`
    /// moved to `now` (a fix is an update). `nul-char` (repaired by clients, not quarantined) and
    /// `duplicate-older` (a twin, not a broken record) are left alone. The hostile kinds heal
    /// like the others: the rebuilt customer carries none of their raw bytes or filler.
    func heal(_ kind: PoisonKind?, in store: inout CustomerStore, now: Instant) -> [(kind: PoisonKind, id: Int64)] {
        var healed: [(kind: PoisonKind, id: Int64)] = []
        for slot in store.rows.indices {
            let row = store.rows[slot]
            guard let poison = row.poison, !row.isDeleted, poison != .nulChar, poison != .duplicateOlder, kind == nil || kind == poison else {
                continue
            }
            var customer = CustomerFactory.make(row.keys)
            let stamp = max(now, Instant(nanoseconds: max(row.createdAt.nanoseconds, row.updatedAt.nanoseconds) + 1_000_000))
            let updatedAt = Timestamp(instant: stamp, spelling: .canonical)
            customer.updatedAt = .valid(updatedAt)
            store.replace(Int32(slot)) { row in
                row.poison = nil
                row.keys.updatedAt = updatedAt
                row.store(customer)
            }
            healed.append((poison, row.id))
        }
        return healed
    }
}
