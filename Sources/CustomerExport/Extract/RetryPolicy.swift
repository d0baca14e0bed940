/// When and how long to wait before retrying a request: exponential backoff with full jitter
/// (a uniformly random delay up to the exponential cap, so parallel workers that failed together
/// do not retry together), never shorter than the server's `Retry-After`.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts per request, the first included.
    public var maxAttempts: Int
    public var baseDelay: TimeSpan
    public var maxDelay: TimeSpan
    /// The longest `Retry-After` honoured; a larger one is clamped so a misconfigured proxy
    /// cannot park the nightly job for hours.
    public var maxRetryAfter: TimeSpan

    public init(
        maxAttempts: Int = 6, baseDelay: TimeSpan = TimeSpan(nanoseconds: 250_000_000),
        maxDelay: TimeSpan = .seconds(20), maxRetryAfter: TimeSpan = .seconds(120)
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// The delay after failed attempt number `attempt` (1-based). `unitRandom` is in [0, 1).
    public func delay(afterAttempt attempt: Int, retryAfter: TimeSpan?, unitRandom: Double) -> TimeSpan {
        let exponent = min(max(attempt - 1, 0), 30)
        let cap = min(Double(maxDelay.nanoseconds), Double(baseDelay.nanoseconds) * Double(1 << exponent))
        let jittered = TimeSpan(nanoseconds: Int64(cap * unitRandom))
        guard let retryAfter else { return jittered }
        return max(jittered, min(retryAfter, maxRetryAfter))
    }

    /// `Retry-After` as delta-seconds; the HTTP-date form is rare for APIs and treated as absent.
    public static func parseRetryAfter(_ value: String?) -> TimeSpan? {
        guard let value, let seconds = Int64(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 else { return nil }
        return .seconds(seconds)
    }
}
