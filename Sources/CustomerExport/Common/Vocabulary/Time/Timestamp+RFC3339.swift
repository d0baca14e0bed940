import Foundation
import LibPQ

extension Timestamp {
    /// Parses RFC 3339 (`2024-03-01T12:00:00.123456789+02:00`): any UTC offset, 0 to 9 fractional
    /// digits, `T`/`t` or a space between date and time, `Z`/`z` for UTC. Returns nil for anything
    /// else, including impossible dates (February 30th) and leap seconds, which PostgreSQL would
    /// silently roll over.
    ///
    /// Not generic, and reading the bytes in place: the normalizer parses two of these per record
    /// from another module, where a generic initializer ran unspecialized (a metadata lookup and
    /// an array per call, 9% of a sparse backfill's CPU).
    package init?(rfc3339 bytes: UnsafeBufferPointer<UInt8>) {
        guard let parsed = Self.parse(bytes) else { return nil }
        self = parsed
    }

    package init?(rfc3339 text: String) {
        var text = text
        guard let parsed = text.withUTF8({ Self.parse($0) }) else { return nil }
        self = parsed
    }

    /// Accepts a date alone (`2024-01-01`, midnight UTC) or a full RFC 3339 timestamp: the CLI's
    /// spelling for range bounds.
    package init?(dateOrTimestamp text: String) {
        var text = text
        let days = text.withUTF8 { $0.count == 10 ? Self.parseDate($0, at: 0) : nil }
        if let days {
            // Nanoseconds since 1970 in 64 bits reach from 1677 to 2262; a later date is refused, not wrapped.
            let (nanoseconds, overflow) = (days * 86_400).multipliedReportingOverflow(by: Self.nanosecondsPerSecond)
            guard !overflow else { return nil }
            self.init(nanosecondsSinceEpoch: nanoseconds)
        } else {
            self.init(rfc3339: text)
        }
    }

    /// True when `text` is a date without a time of day (`2024-01-01`).
    package static func isDateOnly(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { $0.count == 10 && parseDate($0, at: 0) != nil }
    }

    private static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        guard b.count >= 20, let days = parseDate(b, at: 0) else { return nil }
        guard b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == UInt8(ascii: " ") else { return nil }
        guard let hour = digits(b, 11, 2), b[13] == UInt8(ascii: ":"),
              let minute = digits(b, 14, 2), b[16] == UInt8(ascii: ":"),
              let second = digits(b, 17, 2),
              hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var fraction: Int64 = 0
        if b[index] == UInt8(ascii: ".") {
            index += 1
            var count = 0
            while index < b.count, b[index] >= 48, b[index] <= 57 {
                guard count < 9 else { return nil }
                fraction = fraction * 10 + Int64(b[index] - 48)
                count += 1
                index += 1
            }
            guard count > 0 else { return nil }
            for _ in count..<9 { fraction *= 10 }
        }
        guard index < b.count else { return nil }
        var offsetSeconds: Int64 = 0
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == b.count, let oh = digits(b, index + 1, 2), b[index + 3] == UInt8(ascii: ":"),
                  let om = digits(b, index + 4, 2), oh < 24, om < 60
            else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (b[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        default:
            return nil
        }
        guard index == b.count else { return nil }
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: nanosecondsPerSecond)
        guard !overflow else { return nil }
        return Timestamp(nanosecondsSinceEpoch: scaled + fraction)
    }

    /// Days since 1970-01-01 for `YYYY-MM-DD` at `offset`, or nil when it is not a real date.
    private static func parseDate(_ b: UnsafeBufferPointer<UInt8>, at offset: Int) -> Int64? {
        guard b.count >= offset + 10, let year = digits(b, offset, 4), b[offset + 4] == UInt8(ascii: "-"),
              let month = digits(b, offset + 5, 2), b[offset + 7] == UInt8(ascii: "-"),
              let day = digits(b, offset + 8, 2),
              (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month)
        else { return nil }
        return daysFromCivil(year: year, month: month, day: day)
    }

    private static func digits(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int64? {
        guard start + count <= b.count else { return nil }
        var value: Int64 = 0
        for i in start..<(start + count) {
            let c = b[i]
            guard c >= 48, c <= 57 else { return nil }
            value = value * 10 + Int64(c - 48)
        }
        return value
    }

    package static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Howard Hinnant's days_from_civil: proleptic Gregorian date to days since the epoch.
    package static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The inverse of `daysFromCivil`.
    package static func civilFromDays(_ z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (month <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, month, day)
    }

    /// Canonical UTC with exactly as many fractional digits as needed (none, 3, 6 or 9):
    /// `2024-03-01T10:00:00Z`, `2024-03-01T10:00:00.123Z`. This is what the pipeline sends to the API.
    package var rfc3339: String { format(separator: "T", fractionDigits: nil) }

    /// Canonical UTC with all nine fractional digits, the simulator truth's spelling.
    package var rfc3339Nanoseconds: String { format(separator: "T", fractionDigits: 9) }

    /// The spelling written into COPY rows: all nine digits, so PostgreSQL itself rounds to microseconds.
    package var postgresText: String { format(separator: " ", fractionDigits: 9) }

    /// Appends `postgresText` to a COPY buffer without building a String: it is written twice
    /// for every row loaded, so it is on the hot path.
    package func appendPostgresText(to out: inout [UInt8]) {
        let (year, month, day, seconds, fraction) = civilParts
        func digits(_ value: Int64, _ width: Int) {
            var divisor: Int64 = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                out.append(UInt8(48 + (rest / divisor) % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(year, 4); out.append(UInt8(ascii: "-")); digits(month, 2); out.append(UInt8(ascii: "-")); digits(day, 2)
        out.append(UInt8(ascii: " "))
        digits(seconds / 3600, 2); out.append(UInt8(ascii: ":")); digits(seconds / 60 % 60, 2); out.append(UInt8(ascii: ":")); digits(seconds % 60, 2)
        out.append(UInt8(ascii: "."))
        digits(fraction, 9)
        out.append(UInt8(ascii: "Z"))
    }

    /// The UTC calendar date, the second of the day and the nanoseconds within that second.
    private var civilParts: (year: Int64, month: Int64, day: Int64, secondsOfDay: Int64, fraction: Int64) {
        let perDay = 86_400 * Self.nanosecondsPerSecond
        var days = nanosecondsSinceEpoch / perDay
        var nanosOfDay = nanosecondsSinceEpoch % perDay
        if nanosOfDay < 0 { nanosOfDay += perDay; days -= 1 }
        let (year, month, day) = Self.civilFromDays(days)
        return (year, month, day, nanosOfDay / Self.nanosecondsPerSecond, nanosOfDay % Self.nanosecondsPerSecond)
    }

    private func format(separator: String, fractionDigits: Int?) -> String {
        let (year, month, day, secondsOfDay, fraction) = civilParts
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + separator
            + pad(secondsOfDay / 3600, 2) + ":" + pad(secondsOfDay / 60 % 60, 2) + ":" + pad(secondsOfDay % 60, 2)
        let digits: Int
        if let fractionDigits {
            digits = fractionDigits
        } else if fraction == 0 {
            digits = 0
        } else if fraction % 1_000_000 == 0 {
            digits = 3
        } else if fraction % 1_000 == 0 {
            digits = 6
        } else {
            digits = 9
        }
        if digits > 0 {
            var scaled = fraction
            for _ in digits..<9 { scaled /= 10 }
            text += "." + pad(scaled, digits)
        }
        return text + "Z"
    }

    private func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// The current wall-clock instant.
    package static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(nanosecondsSinceEpoch: Int64(spec.tv_sec) * nanosecondsPerSecond + Int64(spec.tv_nsec))
    }
}

/// A timestamp binds as the text COPY writes (`postgresText` above), so a bound bound and a
/// loaded row round to the same microsecond.
extension Timestamp: PostgresEncodable, PostgresArrayElement {}
