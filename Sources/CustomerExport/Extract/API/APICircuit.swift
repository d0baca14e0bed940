import Logging
import Synchronization
import CustomerExportCommon

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
/// request then fails, and the run ends as failed (exit 1) instead of waiting for ever. The
/// states and their transitions are `CircuitStateMachine`; this class adds the lock, the
/// waiting, the log lines and the reports to `ServiceHealth`.
///
/// ```swift
/// let circuit = APICircuit(policy: RetryPolicy(), health: ServiceHealth(), logger: logger)
/// switch circuit.admit(cancellation: token) { case .go(let probe): ...; case .gaveUp(let why): ...; case .cancelled: ... }
/// ```
package final class APICircuit: Sendable {
    package enum Admission: Equatable, Sendable {
        /// Send the request; `probe` when it is the one request testing an open circuit.
        case go(probe: Bool)
        /// The API has failed everything for longer than the budget.
        case gaveUp(String)
        case cancelled
    }

    package let threshold: Int
    private let policy: RetryPolicy
    private let health: ServiceHealth
    private let logger: Logger
    private let machine: Mutex<CircuitStateMachine>
    private let held = Atomic<Int>(0)

    package init(policy: RetryPolicy, health: ServiceHealth, logger: Logger, threshold: Int = 5, probeTimeout: TimeSpan = .seconds(90)) {
        self.policy = policy
        self.health = health
        self.logger = logger
        self.threshold = max(1, threshold)
        machine = Mutex(CircuitStateMachine(threshold: threshold, retryFor: policy.retryFor, probeTimeout: probeTimeout))
    }

    /// Whether the circuit gave up on the API (then reading failed windows again is pointless).
    package var hasGivenUp: Bool { machine.withLock { $0.hasGivenUp } }

    /// Whether requests are being held back right now.
    package var isOpen: Bool { machine.withLock { $0.isOpen } }

    /// Requests waiting in `admit` for the circuit to let them go: a state a caller (or a test)
    /// can wait for, where a pause could only guess.
    package var requestsHeld: Int { held.load(ordering: .relaxed) }

    /// Blocks while the circuit is open, waking at least every quarter second for cancellation.
    package func admit(cancellation: CancellationToken) -> Admission {
        while true {
            switch machine.withLock({ $0.admit(now: .now()) }) {
            case let .go(probe):
                return .go(probe: probe)
            case let .gaveUp(reason, firstTime):
                if firstTime { logger.error("giving up on the API", metadata: ["reason": "\(reason)"]) }
                return .gaveUp(reason)
            case let .wait(reminder):
                if let reminder { logger.warning("still waiting for the API", metadata: reminder.mapValues { .string($0) }) }
            }
            held.add(1, ordering: .relaxed)
            let slept = cancellation.sleep(TimeSpan(nanoseconds: 250_000_000))
            held.subtract(1, ordering: .relaxed)
            guard slept else { return .cancelled }
        }
    }

    /// An answer from the API (a page, or a 4xx that is the API's own verdict): it is up.
    package func recordAnswer() {
        let now = Timestamp.now()
        if case let .closed(paused, probes) = machine.withLock({ $0.answer(now: now) }) {
            health.up(.api, at: now)
            logger.warning("the API answers again; requests resume", metadata: [
                "paused": "\(paused.readable)", "probes": "\(probes)",
            ])
        }
    }

    /// A retryable failure (5xx, 429, transport error, cut body). `probe` if it was the probe's.
    package func recordFailure(_ problem: String, retryAfter: TimeSpan?, probe: Bool) {
        let now = Timestamp.now()
        let action = machine.withLock { $0.failure(problem, probe: probe, now: now) { probes in backoff(probes: probes, retryAfter: retryAfter) } }
        if action == .opened {
            health.down(.api, problem: problem, at: now)
            logger.warning("the API is failing every request; pausing all requests and probing it with backoff", metadata: [
                "failures_in_a_row": "\(threshold)", "last": "\(problem)", "budget": "\(policy.retryFor)",
            ])
        }
    }

    private func backoff(probes: Int, retryAfter: TimeSpan?) -> TimeSpan {
        policy.delay(afterAttempt: probes + 1, retryAfter: retryAfter, unitRandom: Double.random(in: 0..<1))
    }
}
