import Foundation
import CustomerExportCommon

/// Which windows whose counts agree verify reads in full anyway (`--sample`, `--seed`).
///
/// Equal counts can hide a missing row beside an extra one, and say nothing of stale rows; these
/// reads are what looks past them. They are chosen by a seeded generator, so that a verify that
/// found something can be run again on the same windows (the same seed over the same windows
/// chooses the same ones). The share's default, its spelling and its check live here, once.
package struct WindowSample: Sendable, Equatable {
    /// A few percent finds a systematic loss in a year of windows at a small fraction of a full read.
    package static let defaultFraction = 0.03

    /// The share of the agreeing windows read in full, from 0 to 1; at least one window when above 0.
    package var fraction: Double
    /// Printed with the result.
    package var seed: UInt64

    package init(fraction: Double = WindowSample.defaultFraction, seed: UInt64? = nil) {
        self.fraction = fraction
        self.seed = seed ?? UInt64.random(in: 1...999_999)
    }

    /// `--sample` as given (`5%` or `0.05`; nil for the default) and `--seed` (nil for a random one).
    package init(share text: String?, seed: UInt64?) throws(ExportError) {
        self.init(seed: seed)
        guard let text else { return }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        // Refused with the text as given (`150%`), not the fraction it parses to.
        guard let value = trimmed.hasSuffix("%") ? Double(trimmed.dropLast()).map({ $0 / 100 }) : Double(trimmed),
              Self.isShare(value)
        else { throw Self.refusal(text) }
        fraction = value
    }

    /// The default as `--help` shows it.
    package static var defaultShare: String { "\(Int((defaultFraction * 100).rounded()))%" }

    /// For a sample built in code rather than from `--sample`.
    package func validate() throws(ExportError) {
        guard Self.isShare(fraction) else { throw Self.refusal("\(fraction)") }
    }

    private static func isShare(_ value: Double) -> Bool { value >= 0 && value <= 1 }

    private static func refusal(_ text: String) -> ExportError {
        .configuration("--sample \"\(text)\" is not a share of the windows; give one between 0% and 100%, e.g. 5% or 0.05")
    }

    /// `fraction` of `candidates` (at least one when the fraction is above 0), in ascending order.
    package func choose(from candidates: [Int]) -> [Int] {
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
