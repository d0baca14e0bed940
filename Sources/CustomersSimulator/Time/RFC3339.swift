/// Reading and writing RFC 3339 date-times with any UTC offset and 0 to 9 fractional digits.
///
/// Hand-written rather than `ISO8601DateFormatter` because the simulator needs nanoseconds
/// (a `Date` cannot hold them), must format millions of timestamps at start-up, and must tell
/// a client exactly what is wrong with a bad query parameter.
enum RFC3339 {
    struct ParseError: Error, Equatable {
        var reason: String
    }

    // MARK: Writing

    /// The spelling of `instant` as bytes.
    static func bytes(_ instant: Instant, spelling: TimestampSpelling) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(35)
        write(instant, spelling: spelling, into: &out)
        return out
    }

    /// Appends `instant` spelled as `spelling` to `out`.
    static func write<Sink: ByteSink & ~Copyable>(_ instant: Instant, spelling: TimestampSpelling, into out: inout Sink) {
        let local = instant.nanoseconds + Int64(spelling.offsetMinutes) * 60 * Instant.nanosecondsPerSecond
        let day = Instant.floorDiv(local, Instant.nanosecondsPerDay)
        let nanosOfDay = local - day * Instant.nanosecondsPerDay
        let date = CivilDate(daysSinceEpoch: day)
        let secondsOfDay = nanosOfDay / Instant.nanosecondsPerSecond
        let fraction = nanosOfDay % Instant.nanosecondsPerSecond

        writeDigits(date.year, count: 4, into: &out)
        out.append(UInt8(ascii: "-"))
        writeDigits(date.month, count: 2, into: &out)
        out.append(UInt8(ascii: "-"))
        writeDigits(date.day, count: 2, into: &out)
        out.append(UInt8(ascii: "T"))
        writeDigits(secondsOfDay / 3600, count: 2, into: &out)
        out.append(UInt8(ascii: ":"))
        writeDigits(secondsOfDay / 60 % 60, count: 2, into: &out)
        out.append(UInt8(ascii: ":"))
        writeDigits(secondsOfDay % 60, count: 2, into: &out)
        if spelling.fractionDigits > 0 {
            out.append(UInt8(ascii: "."))
            let digits = Int(spelling.fractionDigits)
            writeDigits(fraction / Instant.unit(forFractionDigits: digits), count: digits, into: &out)
        }
        if spelling.offsetMinutes == 0 && spelling.usesZ {
            out.append(UInt8(ascii: "Z"))
        } else {
            out.append(UInt8(ascii: spelling.offsetMinutes < 0 ? "-" : "+"))
            let magnitude = Int64(abs(spelling.offsetMinutes))
            writeDigits(magnitude / 60, count: 2, into: &out)
            out.append(UInt8(ascii: ":"))
            writeDigits(magnitude % 60, count: 2, into: &out)
        }
    }

    private static func writeDigits<Sink: ByteSink & ~Copyable>(_ value: Int64, count: Int, into out: inout Sink) {
        var divisor: Int64 = 1
        for _ in 1..<max(count, 1) { divisor *= 10 }
        var remaining = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(remaining / divisor % 10))
            remaining %= divisor
            divisor /= 10
        }
    }

    // MARK: Reading

    /// Parses a full RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
    static func parse(_ text: String) throws(ParseError) -> Instant {
        var reader = Reader(Array(text.utf8))
        let instant = try reader.dateTime()
        guard reader.atEnd else { throw ParseError(reason: "unexpected characters after the offset") }
        return instant
    }

    /// Parses either a full date-time or a bare date (`YYYY-MM-DD`, meaning midnight UTC);
    /// used for command-line bounds, where a day is the natural unit.
    static func parseDateOrDateTime(_ text: String) throws(ParseError) -> Instant {
        var reader = Reader(Array(text.utf8))
        if text.utf8.count == 10 {
            let day = try reader.date()
            return Instant(nanoseconds: day * Instant.nanosecondsPerDay)
        }
        let instant = try reader.dateTime()
        guard reader.atEnd else { throw ParseError(reason: "unexpected characters after the offset") }
        return instant
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { position == bytes.count }

        mutating func dateTime() throws(ParseError) -> Instant {
            let day = try date()
            try expect(["T", "t"], "expected 'T' between date and time")
            let hour = try number(digits: 2, max: 23, name: "hour")
            try expect([":"], "expected ':' after the hour")
            let minute = try number(digits: 2, max: 59, name: "minute")
            try expect([":"], "expected ':' after the minute")
            let second = try number(digits: 2, max: 59, name: "second")
            var nanos: Int64 = 0
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                var digits = 0
                while position < bytes.count, let digit = digitValue(bytes[position]) {
                    digits += 1
                    guard digits <= 9 else { throw ParseError(reason: "more than 9 fractional digits") }
                    nanos = nanos * 10 + digit
                    position += 1
                }
                guard digits > 0 else { throw ParseError(reason: "expected digits after '.'") }
                nanos *= Instant.unit(forFractionDigits: digits)
            }
            let offsetSeconds = try offset()
            let seconds = day * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
            return Instant(nanoseconds: seconds * Instant.nanosecondsPerSecond + nanos)
        }

        /// Days since the epoch of `YYYY-MM-DD`.
        mutating func date() throws(ParseError) -> Int64 {
            let year = try number(digits: 4, max: 9999, name: "year")
            guard (1678...2261).contains(year) else { throw ParseError(reason: "year \(year) is outside 1678...2261") }
            try expect(["-"], "expected '-' after the year")
            let month = try number(digits: 2, max: 12, name: "month")
            guard month >= 1 else { throw ParseError(reason: "month 00 does not exist") }
            try expect(["-"], "expected '-' after the month")
            let day = try number(digits: 2, max: CivilDate.daysInMonth(year: year, month: month), name: "day")
            guard day >= 1 else { throw ParseError(reason: "day 00 does not exist") }
            return CivilDate(year: year, month: month, day: day).daysSinceEpoch
        }

        /// Seconds east of UTC.
        mutating func offset() throws(ParseError) -> Int64 {
            guard position < bytes.count else { throw ParseError(reason: "missing UTC offset ('Z' or ±HH:MM)") }
            let sign = bytes[position]
            position += 1
            switch sign {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                return 0
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let hours = try number(digits: 2, max: 23, name: "offset hour")
                try expect([":"], "expected ':' in the UTC offset")
                let minutes = try number(digits: 2, max: 59, name: "offset minute")
                let seconds = hours * 3600 + minutes * 60
                return sign == UInt8(ascii: "-") ? -seconds : seconds
            default:
                throw ParseError(reason: "expected 'Z' or ±HH:MM as the UTC offset")
            }
        }

        mutating func number(digits: Int, max: Int64, name: String) throws(ParseError) -> Int64 {
            var value: Int64 = 0
            for _ in 0..<digits {
                guard position < bytes.count, let digit = digitValue(bytes[position]) else {
                    throw ParseError(reason: "expected \(digits) digits for the \(name)")
                }
                value = value * 10 + digit
                position += 1
            }
            guard value <= max else { throw ParseError(reason: "\(name) \(value) is out of range") }
            return value
        }

        mutating func expect(_ options: [Unicode.Scalar], _ reason: String) throws(ParseError) {
            guard position < bytes.count, options.contains(where: { UInt8(ascii: $0) == bytes[position] }) else {
                throw ParseError(reason: reason)
            }
            position += 1
        }

        func digitValue(_ byte: UInt8) -> Int64? {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int64(byte - UInt8(ascii: "0")) : nil
        }
    }
}
