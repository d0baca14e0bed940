@testable import CustomersSimulator
import Testing

/// The blocked index against a plain sorted array, through many random inserts and removals
/// (enough to split blocks and empty some).
@Suite struct SortedSlotsTests {
    @Test func matchesASortedArrayThroughRandomEdits() {
        var rng = SplitMix64(seed: 99)
        var keys: [Int] = []  // key of each slot (duplicates allowed; ties by slot)
        let precedes = { (a: Int32, b: Int32) -> Bool in keys[Int(a)] != keys[Int(b)] ? keys[Int(a)] < keys[Int(b)] : a < b }
        var initial: [Int32] = []
        for slot in Int32(0)..<3000 {
            keys.append(rng.below(800))
            initial.append(slot)
        }
        initial.sort(by: precedes)
        var index = SortedSlots(sorted: initial)
        var reference = initial
        var nextSlot: Int32 = 3000

        // Enough edits to split blocks (2048 entries) and to empty some.
        for step in 0..<9000 {
            if rng.chance(0.55) || reference.isEmpty {
                let slot = nextSlot
                nextSlot += 1
                keys.append(step % 7 == 0 ? 100_000 + step : rng.below(400))  // some appends at the end
                index.insert(slot) { precedes(slot, $0) }
                reference.insert(slot, at: reference.firstIndex { precedes(slot, $0) } ?? reference.count)
            } else {
                let slot = reference.remove(at: rng.below(reference.count))
                index.remove(slot) { !precedes($0, slot) }
            }
            if step % 1999 == 0 {
                #expect(index.count == reference.count)
                #expect((0..<index.count).map { index[$0] } == reference)
            }
        }
        #expect((0..<index.count).map { index[$0] } == reference)

        // Ranges and partition points.
        let key = 400
        let rank = index.firstRank { keys[Int($0)] >= key }
        #expect(rank == (reference.firstIndex { keys[Int($0)] >= key } ?? reference.count))
        var ascending: [Int32] = []
        index.forEach(in: 10..<300, descending: false) { ascending.append($0); return true }
        #expect(ascending == Array(reference[10..<300]))
        var descending: [Int32] = []
        index.forEach(in: 10..<300, descending: true) { descending.append($0); return descending.count < 50 }
        #expect(descending == Array(reference[10..<300].reversed().prefix(50)))
    }
}
