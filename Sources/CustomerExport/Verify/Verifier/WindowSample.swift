/// The windows read in full although their counts agree, chosen by a seeded generator so that
/// the same seed over the same windows chooses the same ones (`--seed`).
package enum WindowSample {
    /// `fraction` of `candidates` (at least one when the fraction is above 0), in ascending order.
    package static func choose(from candidates: [Int], fraction: Double, seed: UInt64) -> [Int] {
        guard fraction > 0, !candidates.isEmpty else { return [] }
        let wanted = min(candidates.count, max(1, Int((Double(candidates.count) * fraction).rounded(.up))))
        var pool = candidates
        var generator = SplitMix64(seed: seed)
        // A partial Fisher–Yates shuffle: the first `wanted` places are a uniform sample.
        for index in 0..<wanted {
            let pick = index + Int(generator.next() % UInt64(pool.count - index))
            pool.swapAt(index, pick)
        }
        return pool.prefix(wanted).sorted()
    }
}

/// SplitMix64: small, fast, and the same sequence for the same seed on every platform, which
/// Swift's system generator does not promise.
package struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
