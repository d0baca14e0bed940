import Foundation
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

    @Test("backoff: full jitter under an exponential cap of 60 s by default, never below Retry-After")
    func backoff() {
        let policy = RetryPolicy(baseDelay: .seconds(1), maxDelay: .seconds(10))
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil, unitRandom: 0.999).seconds < 1.0)
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, unitRandom: 0.5).seconds == 2.0)
        #expect(policy.delay(afterAttempt: 9, retryAfter: nil, unitRandom: 0.999).seconds <= 10.0)
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(5), unitRandom: 0.1).seconds == 5.0)
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(3600), unitRandom: 0.1).seconds == 3600.0)
        let defaults = RetryPolicy()
        #expect(defaults.retryFor == .minutes(10) && defaults.maxAttempts == nil)
        #expect(defaults.delay(afterAttempt: 30, retryAfter: nil, unitRandom: 0.999).seconds <= 60.0)
        #expect(defaults.delay(afterAttempt: 30, retryAfter: nil, unitRandom: 0.999).seconds > 59.0)
    }

    @Test("a time budget, not an attempt count, ends a request; a Retry-After past the budget ends it at once")
    func budget() {
        let policy = RetryPolicy(retryFor: .minutes(10))
        #expect(policy.reasonToStop(attempts: 500, waited: .minutes(9), delay: .seconds(30)) == nil)
        #expect(policy.reasonToStop(attempts: 3, waited: .minutes(9), delay: .seconds(61))?.contains("after retrying for 9m0s") == true)
        #expect(policy.reasonToStop(attempts: 1, waited: .seconds(0), delay: .minutes(20))?.contains("longer than the retry budget") == true)
        let capped = RetryPolicy(retryFor: .minutes(10), maxAttempts: 2)
        #expect(capped.reasonToStop(attempts: 1, waited: .seconds(0), delay: .seconds(1)) == nil)
        #expect(capped.reasonToStop(attempts: 2, waited: .seconds(1), delay: .seconds(1))?.contains("2 attempts") == true)
    }

    @Test("Retry-After is read as delta-seconds and as an HTTP-date, in all three date forms")
    func retryAfter() throws {
        let now = try #require(Timestamp(rfc3339: "2015-10-21T07:27:30Z"))
        let date = Date(timeIntervalSince1970: now.secondsSinceEpoch)
        #expect(RetryPolicy.parseRetryAfter(" 7 ") == .seconds(7))
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now: date) == .seconds(30))
        #expect(RetryPolicy.parseRetryAfter("Wednesday, 21-Oct-15 07:28:00 GMT", now: date) == .seconds(30))
        #expect(RetryPolicy.parseRetryAfter("Wed Oct 21 07:28:00 2015", now: date) == .seconds(30))
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now: date) == .seconds(0))
        #expect(RetryPolicy.parseRetryAfter("soon") == nil)
        #expect(RetryPolicy.parseRetryAfter("-3") == nil)
    }

    @Test("the API's own message is surfaced from JSON and non-JSON bodies")
    func errorMessages() {
        #expect(CustomersAPIClient.message(in: Array(#"{"message": "limit must be <= 200"}"#.utf8)) == "limit must be <= 200")
        #expect(CustomersAPIClient.message(in: Array("<html>Bad Gateway</html>".utf8)) == "<html>Bad Gateway</html>")
        #expect(CustomersAPIClient.message(in: []) == "(empty body)")
    }
}
