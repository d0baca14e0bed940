/// The simulator's only source of randomness: a tiny, fast, seedable generator.
///
/// Everything the simulator invents (the dataset, poison, faults, mutations) draws from a
/// `SplitMix64` seeded from `--seed`, so one seed always means one dataset and one fault sequence.
/// `SplitMix64` is chosen over the system generator because it is deterministic, and over
/// heavier generators because seeding is a single store: each record gets its own stream
/// (`SplitMix64(seed: .mix(seed, recordIndex))`), which makes generation order-independent
/// and therefore parallel.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.finalize(state)
    }

    /// Combines a seed with a stream number into an independent seed (used to derive per-record
    /// and per-purpose generators from the one `--seed`).
    static func mix(_ seed: UInt64, _ stream: UInt64) -> UInt64 {
        finalize(seed &+ 0x9E37_79B9_7F4A_7C15 &* (stream &+ 1))
    }

    private static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension RandomNumberGenerator {
    /// A uniform integer in `0..<bound` (`bound` > 0), by multiply-high; the bias is below 2^-40
    /// for every bound the simulator uses, which is irrelevant here and keeps this branch-free.
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A uniform integer in `range`.
    mutating func int(in range: ClosedRange<Int64>) -> Int64 {
        let width = UInt64(bitPattern: range.upperBound &- range.lowerBound) &+ 1
        if width == 0 { return Int64(bitPattern: next()) }  // the full 64-bit range
        return range.lowerBound &+ Int64(bitPattern: next().multipliedFullWidth(by: width).high)
    }

    /// A uniform double in `[0, 1)`.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// A uniformly chosen element of a non-empty array.
    mutating func pick<Element>(_ elements: [Element]) -> Element {
        elements[below(elements.count)]
    }
}
