import CustomerExportCommon

/// The states of `APICircuit` as a value: each state holds only what is true in it, and each
/// event returns the action the circuit must take (log, report to `ServiceHealth`), so the
/// transitions can be read, and tested, without threads or clocks. postgres-nio's connection
/// state machines are the model.
///
/// ```
///  closed ──threshold failures in a row──▶ open ──next probe time──▶ probing
///    ▲                                      ▲                          │
///    └────────────── an answer ─────────────┼──────────────────────────┤
///                                           └──── the probe failed ────┘
///  open/probing for longer than the retry budget ──▶ gaveUp (final)
/// ```
package struct CircuitStateMachine {
    /// An open circuit: since when, when the next probe may go, how many probes failed, what
    /// the last failure was, and when the last "still waiting" line was written.
    package struct Outage: Equatable {
        package var since: Timestamp
        package var nextProbe: Timestamp
        package var probes: Int
        package var lastProblem: String
        package var lastReminder: Timestamp
    }

    package enum State: Equatable {
        case closed(failuresInARow: Int, firstFailure: Timestamp?)
        case open(Outage)
        /// Half-open: the probe left at `started`; every other request waits for its verdict.
        case probing(Outage, started: Timestamp)
        case gaveUp(reason: String)
    }

    package enum AdmitAction: Equatable {
        case go(probe: Bool)
        /// `firstTime`: this call made the circuit give up (log it once).
        case gaveUp(reason: String, firstTime: Bool)
        /// Wait and ask again; with the metadata of a "still waiting" line when one is due.
        case wait(reminder: [String: String]?)
    }

    package enum AnswerAction: Equatable {
        case none
        /// An outage ended after `paused` and `probes` failed probes.
        case closed(paused: TimeSpan, probes: Int)
    }

    package enum FailureAction: Equatable {
        case none
        case opened
    }

    package let threshold: Int
    package let retryFor: TimeSpan
    /// A probe that has not reported after this long is presumed lost; another may go.
    package let probeTimeout: TimeSpan
    package private(set) var state: State = .closed(failuresInARow: 0, firstFailure: nil)

    package init(threshold: Int, retryFor: TimeSpan, probeTimeout: TimeSpan) {
        self.threshold = max(1, threshold)
        self.retryFor = retryFor
        self.probeTimeout = probeTimeout
    }

    package var isOpen: Bool {
        switch state {
        case .open, .probing: true
        case .closed, .gaveUp: false
        }
    }

    package var hasGivenUp: Bool {
        if case .gaveUp = state { return true }
        return false
    }

    package mutating func admit(now: Timestamp) -> AdmitAction {
        switch state {
        case let .gaveUp(reason):
            return .gaveUp(reason: reason, firstTime: false)
        case .closed:
            return .go(probe: false)
        case var .open(outage):
            if let reason = giveUpReason(outage, now: now) { return giveUp(reason) }
            if now >= outage.nextProbe {
                state = .probing(outage, started: now)
                return .go(probe: true)
            }
            let reminder = Self.reminderIfDue(&outage, now: now, retryFor: retryFor)
            state = .open(outage)
            return .wait(reminder: reminder)
        case .probing(var outage, let started):
            if let reason = giveUpReason(outage, now: now) { return giveUp(reason) }
            if now.span(since: started) > probeTimeout, now >= outage.nextProbe {
                state = .probing(outage, started: now)
                return .go(probe: true)
            }
            let reminder = Self.reminderIfDue(&outage, now: now, retryFor: retryFor)
            state = .probing(outage, started: started)
            return .wait(reminder: reminder)
        }
    }

    /// An answer from the API: it is up.
    package mutating func answer(now: Timestamp) -> AnswerAction {
        switch state {
        case .gaveUp:
            return .none
        case .closed:
            state = .closed(failuresInARow: 0, firstFailure: nil)
            return .none
        case let .open(outage), let .probing(outage, _):
            state = .closed(failuresInARow: 0, firstFailure: nil)
            return .closed(paused: now.span(since: outage.since), probes: outage.probes)
        }
    }

    /// A retryable failure; `probe` when it was the probe's. `backoff` gives the wait before
    /// the next probe after that many failed probes.
    package mutating func failure(_ problem: String, probe: Bool, now: Timestamp, backoff: (Int) -> TimeSpan) -> FailureAction {
        switch state {
        case .gaveUp:
            return .none
        case let .closed(failures, firstFailure):
            let first = firstFailure ?? now
            guard failures + 1 >= threshold else {
                state = .closed(failuresInARow: failures + 1, firstFailure: first)
                return .none
            }
            state = .open(Outage(since: first, nextProbe: now.adding(backoff(0)), probes: 0, lastProblem: problem, lastReminder: now))
            return .opened
        case var .open(outage):
            outage.lastProblem = problem
            state = .open(outage)
            return .none
        case .probing(var outage, let started):
            outage.lastProblem = problem
            guard probe else {
                state = .probing(outage, started: started)
                return .none
            }
            outage.probes += 1
            outage.nextProbe = now.adding(backoff(outage.probes))
            state = .open(outage)
            return .none
        }
    }

    private func giveUpReason(_ outage: Outage, now: Timestamp) -> String? {
        guard now.span(since: outage.since) > retryFor else { return nil }
        return "the API failed every request for \(now.span(since: outage.since).readable) (last: \(outage.lastProblem)), longer than the retry budget of \(retryFor) (--retry-for)"
    }

    private mutating func giveUp(_ reason: String) -> AdmitAction {
        state = .gaveUp(reason: reason)
        return .gaveUp(reason: reason, firstTime: true)
    }

    /// Every minute of an open circuit, the metadata of one line saying how long it has waited.
    private static func reminderIfDue(_ outage: inout Outage, now: Timestamp, retryFor: TimeSpan) -> [String: String]? {
        guard now.span(since: outage.lastReminder) >= .seconds(60) else { return nil }
        outage.lastReminder = now
        return ["down_for": now.span(since: outage.since).readable, "budget": "\(retryFor)", "last": outage.lastProblem]
    }
}
