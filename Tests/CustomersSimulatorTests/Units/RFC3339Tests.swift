@testable import CustomersSimulator
import Testing

@Suite struct RFC3339Tests {
    @Test(arguments: [
        ("2024-03-01T10:00:00Z", Int64(1_709_287_200_000_000_000)),
        ("2024-03-01T12:00:00.000+02:00", 1_709_287_200_000_000_000),
        ("2024-03-01T04:30:00.5-05:30", 1_709_287_200_500_000_000),
        ("2024-02-29T23:59:59.999999999z", 1_709_251_199_999_999_999),
        ("1969-12-31T23:59:59.000000001Z", -999_999_999),
    ])
    func parsesAnyOffsetAndPrecision(text: String, nanoseconds: Int64) throws {
        #expect(try RFC3339.parse(text) == Instant(nanoseconds: nanoseconds))
    }

    @Test(arguments: ["2024-02-30T00:00:00Z", "2024-03-01T10:00:00", "2024-03-01 10:00:00Z", "2024-03-01T24:00:00Z",
                      "2024-03-01T10:00:00.Z", "2024-03-01T10:00:00.1234567890Z", "2024-03-01T10:00:00+2:00", ""])
    func rejectsWhatIsNotRFC3339(text: String) {
        #expect(throws: RFC3339.ParseError.self) { try RFC3339.parse(text) }
    }

    @Test func everySpellingRoundTrips() throws {
        var rng = SplitMix64(seed: 5)
        for _ in 0..<5000 {
            let instant = TimestampStyle.randomInstant(in: Instant(nanoseconds: -100_000_000_000_000_000)..<Instant(nanoseconds: 4_000_000_000_000_000_000), using: &rng)
            let timestamp = TimestampStyle.randomTimestamp(at: instant, using: &rng)
            let text = String(decoding: RFC3339.bytes(timestamp.instant, spelling: timestamp.spelling), as: UTF8.self)
            #expect(try RFC3339.parse(text) == instant, "\(text)")
        }
        #expect(Instant(nanoseconds: 1_709_287_200_000_000_000).canonicalUTC == "2024-03-01T10:00:00.000000000Z")
    }
}
