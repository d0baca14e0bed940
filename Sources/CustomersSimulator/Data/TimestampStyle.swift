/// How the generator picks instants and their spellings.
///
/// An instant is drawn at the precision of a randomly chosen digit count and then spelled with
/// at least that many digits, so the served text always denotes exactly the stored instant.
enum TimestampStyle {
    /// UTC offsets in minutes, `Z` first (and most often); includes half- and quarter-hour zones.
    private static let offsets: [(minutes: Int16, usesZ: Bool)] = [
        (0, true), (0, true), (0, true), (0, true), (0, false), (120, false), (60, false), (-330, false),
        (330, false), (345, false), (540, false), (-480, false), (-300, false), (840, false), (-720, false),
        (570, false), (-210, false), (180, false),
    ]

    /// Fractional digit counts, weighted towards the common 0, 3 and 6.
    private static let digitCounts: [Int] = [0, 0, 0, 0, 0, 3, 3, 3, 3, 3, 3, 6, 6, 6, 9, 9, 1, 2, 4, 5, 7, 8]

    static func randomDigits(using rng: inout SplitMix64) -> Int {
        rng.pick(digitCounts)
    }

    /// A uniform instant in `range`, cut to a random precision (never below `range.lowerBound`
    /// when that bound is a whole second).
    static func randomInstant(in range: Range<Instant>, using rng: inout SplitMix64) -> Instant {
        let raw = rng.int(in: range.lowerBound.nanoseconds...(range.upperBound.nanoseconds - 1))
        let instant = Instant(nanoseconds: raw).truncated(toFractionDigits: randomDigits(using: &rng))
        return max(instant, range.lowerBound)
    }

    /// A spelling able to express `instant` exactly, with a random offset and digit count.
    static func randomSpelling(for instant: Instant, using rng: inout SplitMix64) -> TimestampSpelling {
        let offset = rng.pick(offsets)
        let digits = max(randomDigits(using: &rng), instant.minimumFractionDigits)
        return TimestampSpelling(offsetMinutes: offset.minutes, fractionDigits: UInt8(digits), usesZ: offset.usesZ)
    }

    static func randomTimestamp(at instant: Instant, using rng: inout SplitMix64) -> Timestamp {
        Timestamp(instant: instant, spelling: randomSpelling(for: instant, using: &rng))
    }

    /// An `updatedAt` for a record created at `created`: often the creation instant itself,
    /// sometimes exactly a UTC midnight, otherwise uniform in `[created, bound]`.
    static func randomUpdate(after created: Instant, bound: Instant, using rng: inout SplitMix64) -> Instant {
        guard created < bound, !rng.chance(0.3) else { return created }
        if rng.chance(0.02) {
            let midnight = Instant(nanoseconds: bound.startOfUTCDay.nanoseconds - Int64(rng.below(365)) * Instant.nanosecondsPerDay)
            if midnight >= created { return midnight }
        }
        return randomInstant(in: created..<Instant(nanoseconds: bound.nanoseconds + 1), using: &rng)
    }
}
