import Foundation

/// An instant in UTC with nanosecond precision.
///
/// The API spells one instant many ways (any UTC offset, 0 to 9 fractional digits); comparing
/// spellings as text would make `2024-03-01T12:00:00+02:00` and `2024-03-01T10:00:00Z` differ.
/// Everything inside the pipeline (dedupe, window bounds, watermarks) compares this value instead.
/// Nanoseconds in an `Int64` cover the years 1678–2262, far beyond any customer record.
package struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var nanosecondsSinceEpoch: Int64

    package init(nanosecondsSinceEpoch: Int64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
    }

    package static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }

    package static let nanosecondsPerSecond: Int64 = 1_000_000_000
    package static let nanosecondsPerMicrosecond: Int64 = 1_000

    /// Seconds since the Unix epoch, as a Double (for durations and rates, never for identity).
    package var secondsSinceEpoch: Double { Double(nanosecondsSinceEpoch) / 1e9 }

    package func adding(nanoseconds: Int64) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: nanosecondsSinceEpoch + nanoseconds)
    }

    /// How long after `earlier` this instant is (negative when it is before).
    package func span(since earlier: Timestamp) -> TimeSpan {
        TimeSpan(nanoseconds: nanosecondsSinceEpoch - earlier.nanosecondsSinceEpoch)
    }

    package func adding(_ duration: TimeSpan) -> Timestamp {
        adding(nanoseconds: duration.nanoseconds)
    }

    /// This instant rounded down to a whole microsecond, the precision of PostgreSQL's `timestamptz`.
    package var truncatedToMicroseconds: Timestamp {
        let us = Self.nanosecondsPerMicrosecond
        let remainder = ((nanosecondsSinceEpoch % us) + us) % us
        return Timestamp(nanosecondsSinceEpoch: nanosecondsSinceEpoch - remainder)
    }

    package var description: String { rfc3339 }
}

/// A length of time (window sizes, look-backs, lags, leases), parsed from `0s`, `90s`, `15m`, `1h`, `1d`.
package struct TimeSpan: Sendable, Hashable, Comparable, CustomStringConvertible {
    package var nanoseconds: Int64

    package init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    package static func seconds(_ value: Int64) -> TimeSpan { TimeSpan(nanoseconds: value * 1_000_000_000) }
    package static func minutes(_ value: Int64) -> TimeSpan { .seconds(value * 60) }
    package static func hours(_ value: Int64) -> TimeSpan { .seconds(value * 3600) }
    package static func days(_ value: Int64) -> TimeSpan { .seconds(value * 86_400) }

    package static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    package var seconds: Double { Double(nanoseconds) / 1e9 }

    /// Parses `<integer><unit>` with unit `ms`, `s`, `m`, `h` or `d`; returns nil for anything else.
    package init?(parsing text: String) {
        let units: [(suffix: String, nanos: Int64)] = [
            ("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000),
            ("h", 3_600_000_000_000), ("d", 86_400_000_000_000),
        ]
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count)
            guard !number.isEmpty, number.allSatisfy(\.isASCIIDigit), let value = Int64(number) else { continue }
            let (product, overflow) = value.multipliedReportingOverflow(by: unit.nanos)
            guard !overflow else { return nil }
            self.nanoseconds = product
            return
        }
        return nil
    }

    /// Rounded for people: `0.4s`, `45s`, `12m5s`, `2h3m`.
    package var readable: String {
        let total = seconds
        if total < 10 { return String(format: "%.1fs", max(0, total)) }
        let whole = Int(total.rounded())
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m\(whole % 60)s" }
        return "\(whole / 3600)h\(whole / 60 % 60)m"
    }

    /// The shortest exact spelling in the units `parsing` accepts (`1d`, `90s`, `0s`).
    package var description: String {
        for (suffix, nanos) in [("d", Int64(86_400_000_000_000)), ("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000)]
        where nanoseconds % nanos == 0 {
            return "\(nanoseconds / nanos)\(suffix)"
        }
        return "\(nanoseconds)ns"
    }
}

extension Character {
    package var isASCIIDigit: Bool { isASCII && isNumber }
}
