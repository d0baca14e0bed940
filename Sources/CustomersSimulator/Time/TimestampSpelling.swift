/// How a timestamp is written on the wire: which UTC offset and how many fractional digits.
///
/// The contract lets the source spell one instant in many ways (`...T10:00:00Z`,
/// `...T12:00:00.000+02:00`); the simulator picks a spelling per field so clients must compare
/// instants, not strings.
struct TimestampSpelling: Hashable, Sendable {
    /// Minutes east of UTC.
    var offsetMinutes: Int16
    /// Fractional digits, 0...9 (0 writes no fraction at all).
    var fractionDigits: UInt8
    /// Writes a zero offset as `Z` rather than `+00:00`.
    var usesZ: Bool

    /// The truth's spelling: UTC, `Z`, 9 digits.
    static let canonical = TimestampSpelling(offsetMinutes: 0, fractionDigits: 9, usesZ: true)
}

/// An instant together with the spelling it is served in.
struct Timestamp: Hashable, Sendable {
    var instant: Instant
    var spelling: TimestampSpelling
}
