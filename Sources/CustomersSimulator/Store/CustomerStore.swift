/// All records the simulator serves, with the indexes that make a page cheap.
///
/// A plain value: every access from concurrent requests goes through the simulator's `Mutex`,
/// so the store itself needs no synchronisation, and a snapshot (for the truth) is a
/// copy-on-write copy of its arrays.
struct CustomerStore: Sendable {
    /// Every row ever created, by slot; slots follow id order except for `duplicate-older` rows.
    private(set) var rows: [Row]
    /// One sorted index per sort field, holding the slots of live rows.
    private(set) var byID: SortedSlots
    private(set) var byName: SortedSlots
    private(set) var byCreatedAt: SortedSlots
    private(set) var byUpdatedAt: SortedSlots
    /// Slots of the live rows whose `parentSlot` is the index (the hierarchy, downwards).
    private(set) var children: [[Int32]]
    /// Slots of the live rows under each operator (`operatorId`).
    private(set) var operatorMembers: [Int64: [Int32]]

    /// Builds the indexes over freshly generated rows (sorting runs in parallel).
    static func build(rows: [Row]) async -> CustomerStore {
        async let byName = sortedIndex(rows, by: .name)
        async let byCreatedAt = sortedIndex(rows, by: .createdAt)
        async let byUpdatedAt = sortedIndex(rows, by: .updatedAt)
        async let hierarchy = hierarchy(of: rows)
        return CustomerStore(
            rows: rows,
            byID: await sortedIndex(rows, by: .id),
            byName: await byName,
            byCreatedAt: await byCreatedAt,
            byUpdatedAt: await byUpdatedAt,
            children: await hierarchy.children,
            operatorMembers: await hierarchy.members
        )
    }

    /// Sorts all slots in `field`'s order. Instead of comparing rows through `precedes` (which
    /// chases each row on every comparison), it sorts compact keys that order the same way.
    private static func sortedIndex(_ rows: [Row], by field: SortField) async -> SortedSlots {
        switch field {
        case .id:
            return SortedSlots(sorted: Array(0..<Int32(rows.count)).sorted { rows.precedes($0, $1, by: .id) })
        case .createdAt, .updatedAt:
            var keys: [(instant: Int64, id: Int64, slot: Int32)] = []
            keys.reserveCapacity(rows.count)
            for slot in rows.indices {
                let instant = field == .createdAt ? rows[slot].createdAt : rows[slot].updatedAt
                keys.append((instant.nanoseconds, rows[slot].id, Int32(slot)))
            }
            keys.sort { $0 < $1 }
            return SortedSlots(sorted: keys.map(\.slot))
        case .name:
            // Names repeat a lot (they are drawn from word lists), so the distinct names are
            // ranked once and the rows sorted by (rank, id, slot) without touching their bytes.
            var distinct: [[UInt8]] = []
            var nameNumbers: [[UInt8]: Int32] = [:]
            var numberOfSlot = [Int32](repeating: 0, count: rows.count)
            for slot in rows.indices {
                let name = rows[slot].name
                if let number = nameNumbers[name] {
                    numberOfSlot[slot] = number
                } else {
                    numberOfSlot[slot] = Int32(distinct.count)
                    nameNumbers[name] = Int32(distinct.count)
                    distinct.append(name)
                }
            }
            var rankOfNumber = [Int32](repeating: 0, count: distinct.count)
            for (rank, number) in distinct.indices.sorted(by: { [Row].compare(distinct[$0], distinct[$1]) < 0 }).enumerated() {
                rankOfNumber[number] = Int32(rank)
            }
            var keys: [(rank: Int32, id: Int64, slot: Int32)] = []
            keys.reserveCapacity(rows.count)
            for slot in rows.indices {
                keys.append((rankOfNumber[Int(numberOfSlot[slot])], rows[slot].id, Int32(slot)))
            }
            keys.sort { $0 < $1 }
            return SortedSlots(sorted: keys.map(\.slot))
        }
    }

    /// Spare capacity for rows created while serving, so that the first creates do not
    /// reallocate (and copy, under the lock) arrays of millions of entries.
    static func headroom(for count: Int) -> Int {
        max(1024, count / 8)
    }

    private static func hierarchy(of rows: [Row]) async -> (children: [[Int32]], members: [Int64: [Int32]]) {
        var children: [[Int32]] = []
        children.reserveCapacity(rows.count + headroom(for: rows.count))
        children.append(contentsOf: repeatElement([], count: rows.count))
        var members: [Int64: [Int32]] = [:]
        for slot in rows.indices {
            let parentSlot = rows[slot].parentSlot
            if parentSlot >= 0 { children[Int(parentSlot)].append(Int32(slot)) }
            if let operatorID = rows[slot].keys.operatorId { members[operatorID, default: []].append(Int32(slot)) }
        }
        return (children, members)
    }

    // MARK: Reading

    func index(for field: SortField) -> SortedSlots {
        switch field {
        case .id: return byID
        case .name: return byName
        case .createdAt: return byCreatedAt
        case .updatedAt: return byUpdatedAt
        }
    }

    /// The live slots carrying `id` (two for a customer with a `duplicate-older` twin).
    func slots(withID id: Int64) -> [Int32] {
        var rank = byID.firstRank { rows[Int($0)].id >= id }
        var found: [Int32] = []
        while rank < byID.count, case let slot = byID[rank], rows[Int(slot)].id == id {
            found.append(slot)
            rank += 1
        }
        return found
    }

    /// All live rows below the rows with `id`, at any depth.
    func descendants(ofID id: Int64) -> [Int32] {
        var found: [Int32] = []
        var frontier = slots(withID: id)
        while let slot = frontier.popLast() {
            let below = children[Int(slot)]
            found.append(contentsOf: below)
            frontier.append(contentsOf: below)
        }
        return found
    }

    /// The live slots whose parent is a row with `id`.
    func children(ofID id: Int64) -> [Int32] {
        slots(withID: id).flatMap { children[Int($0)] }
    }

    /// The live slots under the operator `id`.
    func members(ofOperator id: Int64) -> [Int32] {
        operatorMembers[id] ?? []
    }

    /// The number of live rows (poison included): every record a query without filters sees.
    var liveCount: Int {
        byID.count
    }

    /// The largest id in use, live or deleted.
    var largestID: Int64 {
        rows.last { $0.poison != .duplicateOlder }?.id ?? 0
    }

    // MARK: Writing (used by mutations)

    /// Adds a new row to every index and to the hierarchy.
    mutating func append(_ row: Row) {
        let slot = Int32(rows.count)
        rows.append(row)
        children.append([])
        for field in SortField.allCases { insert(slot, into: field) }
        link(slot)
    }

    /// Marks a row deleted and takes it out of every index and the hierarchy.
    mutating func delete(_ slot: Int32) {
        for field in SortField.allCases { remove(slot, from: field) }
        unlink(slot)
        rows[Int(slot)].isDeleted = true
    }

    /// Replaces a live row's content, keeping the name and updatedAt indexes in step; an
    /// update never changes a row's id or createdAt.
    mutating func replace(_ slot: Int32, with transform: (inout Row) -> Void) {
        let before = (rows[Int(slot)].id, rows[Int(slot)].createdAt)
        let affected: [SortField] = [.name, .updatedAt]
        for field in affected { remove(slot, from: field) }
        transform(&rows[Int(slot)])
        precondition(before == (rows[Int(slot)].id, rows[Int(slot)].createdAt), "an update changed id or createdAt")
        for field in affected { insert(slot, into: field) }
    }

    private mutating func insert(_ slot: Int32, into field: SortField) {
        let rows = self.rows
        let isAfter: (Int32) -> Bool = { rows.precedes(slot, $0, by: field) }
        switch field {
        case .id: byID.insert(slot, beforeFirstWhere: isAfter)
        case .name: byName.insert(slot, beforeFirstWhere: isAfter)
        case .createdAt: byCreatedAt.insert(slot, beforeFirstWhere: isAfter)
        case .updatedAt: byUpdatedAt.insert(slot, beforeFirstWhere: isAfter)
        }
    }

    private mutating func remove(_ slot: Int32, from field: SortField) {
        let rows = self.rows
        let isAtOrAfter: (Int32) -> Bool = { !rows.precedes($0, slot, by: field) }
        switch field {
        case .id: byID.remove(slot, firstCandidateWhere: isAtOrAfter)
        case .name: byName.remove(slot, firstCandidateWhere: isAtOrAfter)
        case .createdAt: byCreatedAt.remove(slot, firstCandidateWhere: isAtOrAfter)
        case .updatedAt: byUpdatedAt.remove(slot, firstCandidateWhere: isAtOrAfter)
        }
    }

    private mutating func link(_ slot: Int32) {
        let row = rows[Int(slot)]
        if row.parentSlot >= 0 { children[Int(row.parentSlot)].append(slot) }
        if let operatorID = row.keys.operatorId { operatorMembers[operatorID, default: []].append(slot) }
    }

    private mutating func unlink(_ slot: Int32) {
        let row = rows[Int(slot)]
        if row.parentSlot >= 0 { children[Int(row.parentSlot)].removeAll { $0 == slot } }
        if let operatorID = row.keys.operatorId { operatorMembers[operatorID]?.removeAll { $0 == slot } }
    }
}
