import Logging
import Synchronization

/// One circuit breaker for the whole process: when the API fails across the board, every
/// request pauses and a single probe at a time asks whether it is back.
///
/// Without it, each window would spend its own retry budget against an API that is down, and
/// a 45-second outage would fail dozens of windows independently. With it:
/// - **closed**: requests go; `threshold` failures in a row (no success between, counted over
///   all requests of the process) open it;
/// - **open**: no request goes; after a backoff (full jitter, capped like a request's, never
///   shorter than a `Retry-After`) the next request to arrive becomes the probe;
/// - **half-open**: the probe is in flight, everyone else keeps waiting; its success closes the
///   circuit and lets everyone go, its failure opens it again with a longer backoff.
///
/// The circuit gives up when it has stayed open longer than the retry budget: every waiting
/// request then fails, and the run ends as failed (exit 1) instead of waiting for ever.
///
/// ```swift
/// let circuit = APICircuit(policy: RetryPolicy(), health: ServiceHealth(), logger: logger)
/// switch circuit.admit(cancellation: token) { case .go(let probe): ...; case .gaveUp(let why): ...; case .cancelled: ... }
/// ```
public final class APICircuit: Sendable {
    public enum Admission: Equatable, Sendable {
        /// Send the request; `probe` when it is the one request testing an open circuit.
        case go(probe: Bool)
        /// The API has failed everything for longer than the budget.
        case gaveUp(String)
        case cancelled
    }

    private struct State {
        var failuresInARow = 0
        var firstFailure: Timestamp?
        var openSince: Timestamp?
        var nextProbe = Timestamp(nanosecondsSinceEpoch: 0)
        var probeStarted: Timestamp?
        var probes = 0
        var lastProblem = ""
        var lastReminder: Timestamp?
        var gaveUp: String?
    }

    public let threshold: Int
    private let policy: RetryPolicy
    /// A probe that has not reported after this long is presumed lost; another may go.
    private let probeTimeout: TimeSpan
    private let health: ServiceHealth
    private let logger: Logger
    private let state = Mutex(State())

    public init(policy: RetryPolicy, health: ServiceHealth, logger: Logger, threshold: Int = 5, probeTimeout: TimeSpan = .seconds(90)) {
        self.policy = policy
        self.health = health
        self.logger = logger
        self.threshold = max(1, threshold)
        self.probeTimeout = probeTimeout
    }

    /// Whether the circuit gave up on the API (then reading failed windows again is pointless).
    public var hasGivenUp: Bool { state.withLock { $0.gaveUp != nil } }

    /// Whether requests are being held back right now.
    public var isOpen: Bool { state.withLock { $0.openSince != nil } }

    /// Blocks while the circuit is open, waking at least every quarter second for cancellation.
    public func admit(cancellation: CancellationToken) -> Admission {
        while true {
            let now = Timestamp.now()
            var reminder: Logger.Metadata?
            let decision = state.withLock { state -> Admission? in
                if let reason = state.gaveUp { return .gaveUp(reason) }
                guard let openSince = state.openSince else { return .go(probe: false) }
                if now.span(since: openSince) > policy.retryFor {
                    let reason = "the API failed every request for \(now.span(since: openSince).readable) (last: \(state.lastProblem)), longer than the retry budget of \(policy.retryFor) (--retry-for)"
                    state.gaveUp = reason
                    return .gaveUp(reason)
                }
                let probeLost = state.probeStarted.map { now.span(since: $0) > probeTimeout } ?? false
                if (state.probeStarted == nil || probeLost), now >= state.nextProbe {
                    state.probeStarted = now
                    return .go(probe: true)
                }
                reminder = reminderIfDue(&state, now: now)
                return nil
            }
            if let reminder { logger.warning("still waiting for the API", metadata: reminder) }
            if let decision {
                if case let .gaveUp(reason) = decision { logOnce(reason) }
                return decision
            }
            guard cancellation.sleep(TimeSpan(nanoseconds: 250_000_000)) else { return .cancelled }
        }
    }

    /// An answer from the API (a page, or a 4xx that is the API's own verdict): it is up.
    public func recordAnswer() {
        let now = Timestamp.now()
        let ended = state.withLock { state -> (TimeSpan, Int)? in
            state.failuresInARow = 0
            state.firstFailure = nil
            guard let openSince = state.openSince else { return nil }
            state.openSince = nil
            state.probeStarted = nil
            defer { state.probes = 0 }
            return (now.span(since: openSince), state.probes)
        }
        if let (paused, probes) = ended {
            health.up(.api, at: now)
            logger.warning("the API answers again; requests resume", metadata: [
                "paused": "\(paused.readable)", "probes": "\(probes)",
            ])
        }
    }

    /// A retryable failure (5xx, 429, transport error, cut body). `probe` if it was the probe's.
    public func recordFailure(_ problem: String, retryAfter: TimeSpan?, probe: Bool) {
        let now = Timestamp.now()
        let opened = state.withLock { state -> Bool in
            state.lastProblem = problem
            state.failuresInARow += 1
            if state.firstFailure == nil { state.firstFailure = now }
            if state.openSince == nil {
                guard state.failuresInARow >= threshold else { return false }
                state.openSince = state.firstFailure ?? now
                state.probes = 0
                state.nextProbe = now.adding(backoff(probes: 0, retryAfter: retryAfter))
                state.lastReminder = now
                return true
            }
            if probe {
                state.probes += 1
                state.probeStarted = nil
                state.nextProbe = now.adding(backoff(probes: state.probes, retryAfter: retryAfter))
            }
            return false
        }
        if opened {
            health.down(.api, problem: problem, at: now)
            logger.warning("the API is failing every request; pausing all requests and probing it with backoff", metadata: [
                "failures_in_a_row": "\(threshold)", "last": "\(problem)", "budget": "\(policy.retryFor)",
            ])
        }
    }

    private func backoff(probes: Int, retryAfter: TimeSpan?) -> TimeSpan {
        policy.delay(afterAttempt: probes + 1, retryAfter: retryAfter, unitRandom: Double.random(in: 0..<1))
    }

    /// Every minute of an open circuit, one line saying how long it has been waiting.
    private func reminderIfDue(_ state: inout State, now: Timestamp) -> Logger.Metadata? {
        guard let openSince = state.openSince, let last = state.lastReminder, now.span(since: last) >= .seconds(60) else { return nil }
        state.lastReminder = now
        return ["down_for": "\(now.span(since: openSince).readable)", "budget": "\(policy.retryFor)", "last": "\(state.lastProblem)"]
    }

    private let loggedGiveUp = Atomic<Bool>(false)

    private func logOnce(_ reason: String) {
        if loggedGiveUp.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged {
            logger.error("giving up on the API", metadata: ["reason": "\(reason)"])
        }
    }
}
