/// The skeleton of a dataset, decided sequentially before any record is built: ids, which
/// record sits where in the hierarchy, and every `createdAt` (including bulk-import clusters).
///
/// Everything else about a record depends only on this plan and the record's own random
/// stream, so ``DatasetGenerator`` can build records in parallel chunks and still produce the
/// same bytes for the same seed on any machine.
struct DatasetPlan: Sendable {
    let parameters: GenerationParameters
    /// Ids by slot: strictly increasing with irregular gaps (customers and poison interleaved).
    let ids: [Int64]
    /// The structural index of each slot: `0..<customers` are customers (operators first, then
    /// businesses, fleets, private customers); the rest are poison records.
    let structural: [Int32]
    /// The slot of each structural index (inverse of `structural`).
    let slotOf: [Int32]
    /// `createdAt` of each structural index.
    let createdAt: [Instant]
    /// For each structural index beyond the customers, the invalid record it is: first the
    /// `--poison` records (but `duplicate-older`), then `--hostile`, then `--huge-records`, so
    /// that a seed without hostile records plans exactly what it always planned.
    let poisonRecords: [PlannedPoison]
    /// Number of `duplicate-older` records (appended after all other rows).
    let duplicates: Int
    let operators: Int
    let businesses: Int
    let fleets: Int

    init(_ parameters: GenerationParameters) {
        self.parameters = parameters
        var rng = SplitMix64(seed: SplitMix64.mix(parameters.seed, 0x504C_414E))  // "PLAN"
        let customers = parameters.customers
        let ordinals = (0..<parameters.poison).filter { PoisonKind.cycling($0) != .duplicateOlder }
        var planned = ordinals.map { PlannedPoison(kind: PoisonKind.cycling($0), variant: $0 / PoisonKind.cycle.count) }
        planned += (0..<parameters.hostile).map {
            PlannedPoison(kind: PoisonKind.hostileCycling($0), variant: $0 / PoisonKind.hostileCycle.count)
        }
        planned += (0..<parameters.hugeRecords).map { PlannedPoison(kind: .hugeRecord, variant: $0) }
        let count = customers + planned.count
        poisonRecords = planned
        duplicates = parameters.poison - ordinals.count

        var ids = [Int64](repeating: 0, count: count)
        var next = Int64(1000 + rng.below(9000))
        for slot in 0..<count {
            ids[slot] = next
            next += rng.chance(0.002) ? Int64(1000 + rng.below(9000)) : Int64(1 + rng.below(7))
        }
        self.ids = ids

        // Fisher-Yates written out (not `shuffle(using:)`) so the order never depends on the
        // standard library's algorithm.
        var structural = (0..<Int32(count)).map { $0 }
        for index in stride(from: count - 1, to: 0, by: -1) {
            structural.swapAt(index, rng.below(index + 1))
        }
        var slotOf = [Int32](repeating: 0, count: count)
        for (slot, index) in structural.enumerated() { slotOf[Int(index)] = Int32(slot) }
        self.structural = structural
        self.slotOf = slotOf

        var instants = Self.creationInstants(count: count, range: parameters.createdRange, using: &rng)
        if parameters.bulkShare > 0 { Self.addLargeImports(to: &instants, share: parameters.bulkShare, range: parameters.createdRange, using: &rng) }
        createdAt = instants

        operators = max(1, min(customers, Int((Double(customers).squareRoot() / 10).rounded(.up))))
        businesses = (customers - operators) / 20
        fleets = (customers - operators) / 10
    }

    /// Uniform instants with bulk imports (50–500 records sharing one instant, at least one such
    /// cluster per dataset) and records exactly on midnight UTC.
    private static func creationInstants(count: Int, range: Range<Instant>, using rng: inout SplitMix64) -> [Instant] {
        var instants: [Instant] = []
        instants.reserveCapacity(count)
        let forcedBatchStart = count > 1 ? rng.below(count) : -1
        var batchLeft = 0
        var batchInstant = range.lowerBound
        for index in 0..<count {
            if batchLeft == 0, index == forcedBatchStart || rng.chance(0.0004) {
                batchLeft = min(50 + rng.below(451), max(2, count / 10))
                batchInstant = TimestampStyle.randomInstant(in: range, using: &rng)
            }
            if batchLeft > 0 {
                batchLeft -= 1
                instants.append(batchInstant)
            } else if rng.chance(0.01) {
                let midnight = TimestampStyle.randomInstant(in: range, using: &rng).startOfUTCDay
                instants.append(midnight >= range.lowerBound ? midnight : range.lowerBound)
            } else {
                instants.append(TimestampStyle.randomInstant(in: range, using: &rng))
            }
        }
        return instants
    }

    /// Gives `share` of the records the instants of large bulk imports (10,000 to 50,000
    /// records each on one instant), at random places: the dense shape, where a calendar day
    /// can hold tens of thousands of customers.
    private static func addLargeImports(to instants: inout [Instant], share: Double, range: Range<Instant>, using rng: inout SplitMix64) {
        var left = Int(Double(instants.count) * share)
        var slots = Array(instants.indices)
        for index in slots.indices.reversed() { slots.swapAt(index, rng.below(index + 1)) }
        var next = 0
        while left > 0 {
            var size = min(left, 10_000 + rng.below(40_001))
            if left - size < 10_000 { size = left }  // no small import left over
            let instant = TimestampStyle.randomInstant(in: range, using: &rng)
            for _ in 0..<size {
                instants[slots[next]] = instant
                next += 1
            }
            left -= size
        }
    }

    /// One invalid record of the plan: its kind and which of the kind's ways to be wrong it takes.
    struct PlannedPoison: Sendable {
        var kind: PoisonKind
        var variant: Int
    }

    // MARK: Hierarchy (by structural index)

    var customers: Int { parameters.customers }

    func type(of index: Int) -> CustomerType {
        if index < operators { return .operator }
        if index < operators + businesses { return .business }
        if index < operators + businesses + fleets { return .fleet }
        return .private
    }

    /// The structural index of the parent: operators have none; businesses sit under an
    /// operator, fleets under a business, private customers (and poison records) mostly under
    /// a business, sometimes a fleet, now and then directly under an operator.
    func parent(of index: Int) -> Int? {
        let hash = SplitMix64.mix(parameters.seed ^ 0x5041_5245_4E54, UInt64(index))  // "PARENT"
        let anyOperator = Int(hash % UInt64(operators))
        let anyBusiness = businesses > 0 ? operators + Int((hash >> 20) % UInt64(businesses)) : anyOperator
        let anyFleet = fleets > 0 ? operators + businesses + Int((hash >> 40) % UInt64(fleets)) : anyBusiness
        switch type(of: index) {
        case .operator: return nil
        case .business: return anyOperator
        case .fleet: return anyBusiness
        case .private:
            switch (hash >> 8) % 10 {
            case 0..<6: return anyBusiness
            case 6..<9: return anyFleet
            default: return anyOperator
            }
        }
    }

    /// The structural index of the operator above `index` (nil for operators themselves).
    func operatorAbove(_ index: Int) -> Int? {
        var current = parent(of: index)
        while let above = current, type(of: above) != .operator { current = parent(of: above) }
        return current
    }
}
