import Foundation
import CustomerExportCommon

/// When to retry a failed request, and when to give up.
///
/// A time budget decides, not an attempt count: a nightly job should wait out a deploy, a
/// restart or a failover of the API (minutes), and an attempt count turns into a few seconds
/// when the backoff is short. Between attempts the delay is exponential with full jitter (a
/// uniformly random delay up to the exponential cap, so the parallel requests of many workers
/// that failed together do not come back together), capped at `maxDelay`, and never shorter
/// than the server's `Retry-After`. A `Retry-After` that reaches past the budget ends the
/// request at once rather than retrying before the server asked.
///
/// ```swift
/// let policy = RetryPolicy(retryFor: .minutes(10))
/// policy.delay(afterAttempt: 3, retryAfter: nil, unitRandom: 0.5)   // 0.5 s: half of 250 ms · 2²
/// ```
package struct RetryPolicy: Sendable, Equatable {
    /// How long a request keeps trying after its first failure (`api.retryFor`, `--retry-for`).
    package var retryFor: TimeSpan
    /// An optional cap on attempts, the first included (`api.maxAttempts`); nil: only time decides.
    package var maxAttempts: Int?
    package var baseDelay: TimeSpan
    package var maxDelay: TimeSpan

    package init(
        retryFor: TimeSpan = .minutes(10), maxAttempts: Int? = nil, baseDelay: TimeSpan = TimeSpan(nanoseconds: 250_000_000),
        maxDelay: TimeSpan = .seconds(60)
    ) {
        self.retryFor = retryFor
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The delay after failed attempt number `attempt` (1-based). `unitRandom` is in [0, 1).
    package func delay(afterAttempt attempt: Int, retryAfter: TimeSpan?, unitRandom: Double) -> TimeSpan {
        let exponent = min(max(attempt - 1, 0), 30)
        let cap = min(Double(maxDelay.nanoseconds), Double(baseDelay.nanoseconds) * Double(1 << exponent))
        let jittered = TimeSpan(nanoseconds: Int64(cap * unitRandom))
        guard let retryAfter else { return jittered }
        return max(jittered, retryAfter)
    }

    /// Why a request that failed `attempts` times, first `waited` ago, must stop now rather than
    /// wait `delay` and try again; nil when it may retry.
    package func reasonToStop(attempts: Int, waited: TimeSpan, delay: TimeSpan) -> String? {
        if let maxAttempts, attempts >= maxAttempts {
            return "after \(attempts) attempts (api.maxAttempts)"
        }
        if waited.nanoseconds + delay.nanoseconds > retryFor.nanoseconds {
            if delay > retryFor { return "as the server asked to wait \(delay.readable), longer than the retry budget of \(retryFor) (--retry-for)" }
            return "after retrying for \(waited.readable) (the budget is \(retryFor), --retry-for)"
        }
        return nil
    }

    /// `Retry-After` as delta-seconds or as an HTTP-date (RFC 9110 §10.2.3); nil when absent or
    /// unreadable. A date in the past means "now".
    package static func parseRetryAfter(_ value: String?, now: Date = Date()) -> TimeSpan? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int64(value) { return seconds >= 0 ? .seconds(seconds) : nil }
        for format in httpDateFormats {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: value) {
                let seconds = max(0, date.timeIntervalSince(now))
                return TimeSpan(nanoseconds: Int64(seconds.rounded(.up) * 1e9))
            }
        }
        return nil
    }

    /// IMF-fixdate, then the obsolete RFC 850 and asctime forms that recipients must accept.
    private static let httpDateFormats = ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"]
}
