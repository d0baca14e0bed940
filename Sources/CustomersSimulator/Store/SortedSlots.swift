/// A sorted sequence of row slots, stored in blocks of bounded size.
///
/// The store keeps one of these per sort order. Pages are read by rank (`offset` is a rank), so
/// the structure must answer "the slot at rank r" and "the first rank whose row is ≥ x" in
/// logarithmic time, and live mutations must insert and remove without moving millions of
/// entries: a flat array would memmove 16 MB per mutation at 4 M rows, a block moves at most
/// `maxBlockSize` entries plus one prefix-count update per block.
///
/// The order itself is not stored: callers pass the predicate that defines it, so one type
/// serves all four orders.
struct SortedSlots: Sendable {
    private var blocks: [[Int32]]
    /// `starts[b]` is the rank of `blocks[b][0]`.
    private var starts: [Int]
    private(set) var count: Int

    static let maxBlockSize = 2048

    /// Wraps slots that are already sorted.
    init(sorted slots: [Int32]) {
        let size = Self.maxBlockSize / 2
        blocks = stride(from: 0, to: slots.count, by: size).map { Array(slots[$0..<min($0 + size, slots.count)]) }
        starts = []
        count = slots.count
        rebuildStarts(from: 0)
    }

    /// The slot at `rank` (0-based, ascending order).
    subscript(rank: Int) -> Int32 {
        let block = blockIndex(containingRank: rank)
        return blocks[block][rank - starts[block]]
    }

    /// The first rank whose slot satisfies `isAtOrAfter`, which must be false for a prefix of the
    /// order and true for the rest (a partition point); `count` if it holds nowhere.
    func firstRank(where isAtOrAfter: (Int32) -> Bool) -> Int {
        // The first block whose last slot satisfies the predicate holds the partition point.
        var low = 0
        var high = blocks.count
        while low < high {
            let middle = (low + high) / 2
            if isAtOrAfter(blocks[middle][blocks[middle].count - 1]) { high = middle } else { low = middle + 1 }
        }
        guard low < blocks.count else { return count }
        let block = blocks[low]
        var lowIn = 0
        var highIn = block.count
        while lowIn < highIn {
            let middle = (lowIn + highIn) / 2
            if isAtOrAfter(block[middle]) { highIn = middle } else { lowIn = middle + 1 }
        }
        return starts[low] + lowIn
    }

    /// Calls `body` with the slots at `ranks`, ascending or descending, until it returns false.
    func forEach(in ranks: Range<Int>, descending: Bool, _ body: (Int32) -> Bool) {
        guard !ranks.isEmpty else { return }
        if descending {
            var block = blockIndex(containingRank: ranks.upperBound - 1)
            var index = ranks.upperBound - 1 - starts[block]
            for _ in ranks {
                if !body(blocks[block][index]) { return }
                index -= 1
                if index < 0 {
                    block -= 1
                    if block < 0 { return }
                    index = blocks[block].count - 1
                }
            }
        } else {
            var block = blockIndex(containingRank: ranks.lowerBound)
            var index = ranks.lowerBound - starts[block]
            for _ in ranks {
                if !body(blocks[block][index]) { return }
                index += 1
                if index == blocks[block].count {
                    block += 1
                    if block == blocks.count { return }
                    index = 0
                }
            }
        }
    }

    /// Inserts `slot` at its place: before the first slot for which `isAfter` holds.
    mutating func insert(_ slot: Int32, beforeFirstWhere isAfter: (Int32) -> Bool) {
        let rank = firstRank(where: isAfter)
        guard !blocks.isEmpty else {
            blocks = [[slot]]
            count = 1
            rebuildStarts(from: 0)
            return
        }
        // A rank at a block boundary extends the earlier block, so appending (the common case:
        // new ids, new timestamps) always grows the last block.
        var block = rank == count ? blocks.count - 1 : blockIndex(containingRank: rank)
        if rank < count, block > 0, rank == starts[block] { block -= 1 }
        blocks[block].insert(slot, at: rank - starts[block])
        count += 1
        if blocks[block].count > Self.maxBlockSize {
            let half = Self.maxBlockSize / 2
            blocks.insert(Array(blocks[block][half...]), at: block + 1)
            blocks[block].removeSubrange(half...)
            rebuildStarts(from: block)
        } else {
            shiftStarts(after: block, by: 1)
        }
    }

    /// Removes `slot`, which sits at the first rank where `isAtOrAfter` holds or, among rows
    /// with equal keys, shortly after it.
    mutating func remove(_ slot: Int32, firstCandidateWhere isAtOrAfter: (Int32) -> Bool) {
        var rank = firstRank(where: isAtOrAfter)
        while rank < count, self[rank] != slot { rank += 1 }
        precondition(rank < count, "slot \(slot) is not in the index")
        let block = blockIndex(containingRank: rank)
        blocks[block].remove(at: rank - starts[block])
        count -= 1
        if blocks[block].isEmpty {
            blocks.remove(at: block)
            starts.remove(at: block)
            shiftStarts(after: block - 1, by: -1)
        } else {
            shiftStarts(after: block, by: -1)
        }
    }

    private mutating func shiftStarts(after block: Int, by delta: Int) {
        for later in (block + 1)..<starts.count { starts[later] += delta }
    }

    private func blockIndex(containingRank rank: Int) -> Int {
        precondition(rank >= 0 && rank < count, "rank \(rank) out of 0..<\(count)")
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= rank { low = middle } else { high = middle - 1 }
        }
        return low
    }

    private mutating func rebuildStarts(from block: Int) {
        starts.removeSubrange(min(block, starts.count)...)
        var start = block == 0 ? 0 : starts[block - 1] + blocks[block - 1].count
        for index in block..<blocks.count {
            starts.append(start)
            start += blocks[index].count
        }
    }
}
