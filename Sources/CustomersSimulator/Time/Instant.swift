/// A point in time with nanosecond precision: nanoseconds since 1970-01-01T00:00:00Z.
///
/// The contract's timestamps carry up to 9 fractional digits and any UTC offset, and the
/// simulator promises that the instant it filters and sorts by is exactly the one its spelling
/// denotes. `Foundation.Date` (a `Double`) cannot hold nanoseconds at today's magnitudes, so
/// all of the simulator's time arithmetic happens on this integer. It covers 1677...2262.
struct Instant: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the Unix epoch.
    var nanoseconds: Int64

    init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    static let nanosecondsPerSecond: Int64 = 1_000_000_000
    static let nanosecondsPerDay: Int64 = 86_400 * nanosecondsPerSecond

    static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// The canonical UTC spelling used by `/__admin/truth`: always 9 fractional digits and `Z`.
    var description: String { canonicalUTC }

    /// `YYYY-MM-DDTHH:MM:SS.fffffffffZ`.
    var canonicalUTC: String {
        String(decoding: RFC3339.bytes(self, spelling: .canonical), as: UTF8.self)
    }

    /// This instant cut down to `digits` fractional digits (towards the past), so that a spelling
    /// with that many digits denotes it exactly.
    func truncated(toFractionDigits digits: Int) -> Instant {
        let unit = Self.unit(forFractionDigits: digits)
        let remainder = nanoseconds % unit
        return Instant(nanoseconds: nanoseconds - (remainder < 0 ? remainder + unit : remainder))
    }

    /// The fewest fractional digits that spell this instant exactly (0...9).
    var minimumFractionDigits: Int {
        var fraction = nanoseconds % Self.nanosecondsPerSecond
        if fraction < 0 { fraction += Self.nanosecondsPerSecond }
        if fraction == 0 { return 0 }
        var digits = 9
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        return digits
    }

    /// Midnight UTC at the start of this instant's UTC day.
    var startOfUTCDay: Instant {
        let day = Self.floorDiv(nanoseconds, Self.nanosecondsPerDay)
        return Instant(nanoseconds: day * Self.nanosecondsPerDay)
    }

    static func unit(forFractionDigits digits: Int) -> Int64 {
        var unit: Int64 = 1
        for _ in 0..<(9 - digits) { unit *= 10 }
        return unit
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
