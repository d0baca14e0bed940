import Testing
@testable import CustomerExport

@Suite("Extract: planning, queries, retries")
struct ExtractUnitTests {
    let day = TimeSpan.days(1)

    @Test("windows tile the range without gaps and end exactly at its end")
    func planning() throws {
        let from = try #require(Timestamp(dateOrTimestamp: "2024-01-01"))
        let to = try #require(Timestamp(dateOrTimestamp: "2024-01-03T12:00:00Z"))
        let windows = WindowPlanner(field: .createdAt, size: day).windows(from: from, to: to)
        #expect(windows.count == 3)
        #expect(windows.first?.from == from)
        #expect(windows.last?.to == to)
        for (a, b) in zip(windows, windows.dropFirst()) { #expect(a.to == b.from) }
    }

    @Test("halves share the midpoint; an instant cannot be split")
    func halves() throws {
        let from = try #require(Timestamp(dateOrTimestamp: "2024-01-01"))
        let window = TimeWindow(field: .createdAt, from: from, to: from.adding(day))
        let (a, b) = try #require(window.halves())
        #expect(a.from == window.from && a.to == b.from && b.to == window.to)
        #expect(a.to == from.adding(.hours(12)))
        #expect(TimeWindow(field: .createdAt, from: from, to: from).halves() == nil)
        #expect(TimeWindow(field: .createdAt, from: from, to: from.adding(nanoseconds: 1_000)).halves() == nil)
    }

    @Test("queries set the sort explicitly, percent-encode values, and send arrays in the configured style")
    func query() throws {
        let from = try #require(Timestamp(rfc3339: "2024-01-01T00:00:00Z"))
        let window = TimeWindow(field: .updatedAt, from: from, to: from.adding(.hours(1)))
        var filters = CustomerFilters(types: ["business", "fleet"], search: "a+b & c")
        let request = PageRequest(window: window, offset: 400, limit: 200)
        let repeated = CustomersQuery(endpoint: "http://h/v1/customers", filters: filters, arrayStyle: .repeated).url(for: request)
        #expect(repeated == "http://h/v1/customers?limit=200&offset=400&sortBy=updatedAt&sortDirection=asc&updatedAtFrom=2024-01-01T00%3A00%3A00Z&updatedAtTo=2024-01-01T01%3A00%3A00Z&types=business&types=fleet&search=a%2Bb%20%26%20c")
        filters.search = nil
        let comma = CustomersQuery(endpoint: "http://h/v1/customers", filters: filters, arrayStyle: .commaSeparated).url(for: request)
        #expect(comma.hasSuffix("&types=business%2Cfleet"))
        #expect(CustomersQuery.percentEncode("+02:00") == "%2B02%3A00")
    }

    @Test("backoff: full jitter under an exponential cap, never below Retry-After")
    func backoff() {
        let policy = RetryPolicy(maxAttempts: 6, baseDelay: .seconds(1), maxDelay: .seconds(10), maxRetryAfter: .seconds(30))
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil, unitRandom: 0.999).seconds < 1.0)
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, unitRandom: 0.5).seconds == 2.0)
        #expect(policy.delay(afterAttempt: 9, retryAfter: nil, unitRandom: 0.999).seconds <= 10.0)
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(5), unitRandom: 0.1).seconds == 5.0)
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(3600), unitRandom: 0.1).seconds == 30.0)
        #expect(RetryPolicy.parseRetryAfter(" 7 ") == .seconds(7))
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT") == nil)
    }

    @Test("the API's own message is surfaced from JSON and non-JSON bodies")
    func errorMessages() {
        #expect(CustomersAPIClient.message(in: Array(#"{"message": "limit must be <= 200"}"#.utf8)) == "limit must be <= 200")
        #expect(CustomersAPIClient.message(in: Array("<html>Bad Gateway</html>".utf8)) == "<html>Bad Gateway</html>")
        #expect(CustomersAPIClient.message(in: []) == "(empty body)")
    }
}
