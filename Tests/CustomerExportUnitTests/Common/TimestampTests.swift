import Testing
@testable import CustomerExport

@Suite("Timestamp")
struct TimestampTests {
    @Test("every offset and fraction length of one instant parses to the same value")
    func spellingsOfOneInstant() throws {
        let spellings = [
            "2024-03-01T10:00:00.5Z", "2024-03-01T12:00:00.500+02:00", "2024-03-01T04:30:00.500000-05:30",
            "2024-03-01t10:00:00.500000000z", "2024-03-01 10:00:00.50+00:00",
        ]
        let values = try spellings.map { try #require(Timestamp(rfc3339: $0), "\($0)") }
        #expect(Set(values).count == 1)
        #expect(values[0].rfc3339 == "2024-03-01T10:00:00.500Z")
    }

    @Test("nanosecond digits are kept, and formatting round-trips")
    func nanoseconds() throws {
        let t = try #require(Timestamp(rfc3339: "2025-12-31T23:59:59.123456789Z"))
        #expect(t.nanosecondsSinceEpoch % 1_000_000_000 == 123_456_789)
        #expect(t.rfc3339Nanoseconds == "2025-12-31T23:59:59.123456789Z")
        #expect(Timestamp(rfc3339: t.rfc3339) == t)
        #expect(t.postgresText == "2025-12-31 23:59:59.123456789Z")
    }

    @Test("invalid spellings are rejected", arguments: [
        "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z",
        "2024-01-01T00:00:60Z", "2024-01-01T00:00:00", "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00.1234567890Z",
        "2024-01-01T00:00:00+0200", "not-a-date", "", "2024-01-01T00:00:00Zjunk",
    ])
    func rejects(_ text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test("leap days and dates before the epoch")
    func calendar() throws {
        #expect(Timestamp(rfc3339: "2024-02-29T00:00:00Z") != nil)
        let old = try #require(Timestamp(rfc3339: "1969-12-31T23:59:59.9Z"))
        #expect(old.nanosecondsSinceEpoch == -100_000_000)
        #expect(old.rfc3339 == "1969-12-31T23:59:59.900Z")
    }

    @Test("a date alone is midnight UTC")
    func dateOnly() {
        #expect(Timestamp(dateOrTimestamp: "2024-01-01") == Timestamp(rfc3339: "2024-01-01T00:00:00Z"))
        #expect(Timestamp.isDateOnly("2024-01-01"))
        #expect(!Timestamp.isDateOnly("2024-01-01T00:00:00Z"))
    }

    @Test("durations", arguments: [("0s", Int64(0)), ("90s", 90_000_000_000), ("15m", 900_000_000_000), ("1h", 3_600_000_000_000), ("1d", 86_400_000_000_000), ("250ms", 250_000_000)])
    func durations(_ text: String, _ nanos: Int64) {
        #expect(TimeSpan(parsing: text)?.nanoseconds == nanos)
    }

    @Test("malformed durations", arguments: ["", "1", "d", "1.5h", "-1h", "1w", "h1"])
    func badDurations(_ text: String) {
        #expect(TimeSpan(parsing: text) == nil)
    }
}

extension TimestampTests {
    @Test("the COPY spelling written into buffers equals postgresText, before and after the epoch")
    func copySpelling() throws {
        for text in ["2025-12-31T23:59:59.123456789Z", "1969-12-31T23:59:59.9Z", "2024-02-29T00:00:00Z"] {
            let t = try #require(Timestamp(rfc3339: text))
            var bytes: [UInt8] = []
            t.appendPostgresText(to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == t.postgresText)
        }
    }
}
