/// Builds the initial rows of a dataset from its plan: customers, poison and hostile records,
/// and `duplicate-older` twins, each already serialised.
///
/// Rows are built in parallel chunks of slots; each record draws from its own seeded stream,
/// so the result does not depend on how the chunks are scheduled.
enum DatasetGenerator {
    static let chunkSize = 16_384

    static func rows(for parameters: GenerationParameters) async -> [Row] {
        let plan = DatasetPlan(parameters)
        let slotCount = plan.ids.count
        let chunkCount = (slotCount + chunkSize - 1) / chunkSize
        var chunks = [[Row]](repeating: [], count: chunkCount)
        await withTaskGroup(of: (Int, [Row]).self) { group in
            for chunk in 0..<chunkCount {
                group.addTask {
                    let slots = (chunk * chunkSize)..<min(slotCount, (chunk + 1) * chunkSize)
                    var folding = FoldingCache()
                    return (chunk, slots.map { row(at: Int32($0), plan: plan, folding: &folding) })
                }
            }
            for await (chunk, rows) in group { chunks[chunk] = rows }
        }
        var rows: [Row] = []
        // Headroom for created customers, so the first creates do not copy millions of rows.
        rows.reserveCapacity(slotCount + plan.duplicates + CustomerStore.headroom(for: slotCount))
        for chunk in chunks { rows.append(contentsOf: chunk) }
        appendDuplicates(plan.duplicates, to: &rows, parameters: parameters)
        return rows
    }

    /// The customer or poison record at `slot`.
    static func row(at slot: Int32, plan: DatasetPlan, folding: inout FoldingCache) -> Row {
        let parameters = plan.parameters
        let index = Int(plan.structural[Int(slot)])
        var rng = SplitMix64(seed: SplitMix64.mix(parameters.seed, UInt64(index)))
        let created = plan.createdAt[index]
        let planned = index >= plan.customers ? plan.poisonRecords[index - plan.customers] : nil
        let poison = planned?.kind

        let updated: Instant
        if poison == .updatedBeforeCreated {
            let earlier = created.nanoseconds - Int64(1 + rng.below(30 * 86_400)) * Instant.nanosecondsPerSecond
            updated = Instant(nanoseconds: earlier).truncated(toFractionDigits: TimestampStyle.randomDigits(using: &rng))
        } else {
            updated = TimestampStyle.randomUpdate(after: created, bound: parameters.updatedBound, using: &rng)
        }
        let parent = plan.parent(of: index)
        let parentSlot = parent.map { plan.slotOf[$0] }
        let keys = CustomerKeys(
            id: plan.ids[Int(slot)],
            type: plan.type(of: index),
            parentId: parentSlot.map { plan.ids[Int($0)] },
            operatorId: plan.operatorAbove(index).map { plan.ids[Int(plan.slotOf[$0])] },
            createdAt: TimestampStyle.randomTimestamp(at: created, using: &rng),
            updatedAt: TimestampStyle.randomTimestamp(at: updated, using: &rng),
            recipe: rng.next()
        )
        var customer = CustomerFactory.make(keys)
        if let planned {
            planned.kind.corrupt(&customer, internalID: keys.id, variant: planned.variant, hugeRecordBytes: parameters.hugeRecordBytes)
        }
        return Row(keys: keys, parentSlot: parentSlot ?? -1, customer: customer, poison: poison, folding: &folding)
    }

    /// Appends `count` `duplicate-older` rows, each twin of a distinct live customer that has been
    /// edited at least once (so an older `updatedAt` still follows `createdAt`) where possible.
    static func appendDuplicates(_ count: Int, to rows: inout [Row], parameters: GenerationParameters) {
        var rng = SplitMix64(seed: SplitMix64.mix(parameters.seed, 0x4455_5053))  // "DUPS"
        var folding = FoldingCache()
        let candidates = rows.count
        for _ in 0..<count {
            var target = rng.below(candidates)
            for _ in 0..<200 {
                let row = rows[target]
                if row.poison == nil, !row.hasDuplicate, row.updatedAt > row.createdAt { break }
                target = rng.below(candidates)
            }
            while rows[target].poison != nil { target = (target + 1) % candidates }
            rows[target].hasDuplicate = true

            let original = rows[target]
            var keys = original.keys
            let created = original.createdAt
            let midpoint = Instant(nanoseconds: created.nanoseconds + (original.updatedAt.nanoseconds - created.nanoseconds) / 2)
            let older = max(created, midpoint.truncated(toFractionDigits: TimestampStyle.randomDigits(using: &rng)))
            keys.updatedAt = TimestampStyle.randomTimestamp(at: older, using: &rng)
            var customer = CustomerFactory.make(keys)
            PoisonKind.duplicateOlder.corrupt(&customer, internalID: keys.id, variant: 0)
            rows.append(Row(keys: keys, parentSlot: original.parentSlot, customer: customer, poison: .duplicateOlder, folding: &folding))
        }
    }
}
