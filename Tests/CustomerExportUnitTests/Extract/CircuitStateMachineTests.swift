import Testing
@testable import CustomerExport

/// The circuit's transitions as values: no threads, no clock but the instants given.
@Suite("Extract: the circuit's state machine")
struct CircuitStateMachineTests {
    let t0 = Timestamp(nanosecondsSinceEpoch: 1_000_000_000_000)
    func at(_ seconds: Int64) -> Timestamp { t0.adding(nanoseconds: seconds * 1_000_000_000) }
    func machine() -> CircuitStateMachine { CircuitStateMachine(threshold: 3, retryFor: .seconds(600), probeTimeout: .seconds(90)) }

    @Test("closed until the threshold; open then holds requests until the probe time, and one probe goes")
    func opensAndProbes() {
        var circuit = machine()
        #expect(circuit.failure("HTTP 503", probe: false, now: at(0)) { _ in .seconds(10) } == .none)
        #expect(circuit.failure("HTTP 503", probe: false, now: at(1)) { _ in .seconds(10) } == .none)
        #expect(circuit.admit(now: at(1)) == .go(probe: false))
        #expect(circuit.failure("HTTP 503", probe: false, now: at(2)) { _ in .seconds(10) } == .opened)
        #expect(circuit.isOpen)
        #expect(circuit.admit(now: at(5)) == .wait(reminder: nil))
        #expect(circuit.admit(now: at(12)) == .go(probe: true))
        #expect(circuit.admit(now: at(13)) == .wait(reminder: nil), "one probe at a time")
    }

    @Test("a failed probe reopens with the next backoff; an answer closes and reports the pause")
    func probeOutcomes() {
        var circuit = machine()
        for second in 0..<3 { _ = circuit.failure("reset", probe: false, now: at(Int64(second))) { _ in .seconds(10) } }
        #expect(circuit.admit(now: at(12)) == .go(probe: true))
        _ = circuit.failure("reset", probe: true, now: at(13)) { probes in .seconds(Int64(20 * probes)) }
        #expect(circuit.admit(now: at(20)) == .wait(reminder: nil))
        #expect(circuit.admit(now: at(34)) == .go(probe: true))
        #expect(circuit.answer(now: at(35)) == .closed(paused: .seconds(35), probes: 1))
        #expect(!circuit.isOpen)
        #expect(circuit.admit(now: at(36)) == .go(probe: false))
    }

    @Test("a lost probe is replaced after the probe timeout; past the budget the circuit gives up, once")
    func lostProbeAndGivingUp() {
        var circuit = machine()
        for second in 0..<3 { _ = circuit.failure("timeout", probe: false, now: at(Int64(second))) { _ in .seconds(1) } }
        #expect(circuit.admit(now: at(5)) == .go(probe: true))
        #expect(circuit.admit(now: at(65)) == .wait(reminder: ["down_for": at(65).span(since: at(0)).readable, "budget": "\(TimeSpan.seconds(600))", "last": "timeout"]))
        #expect(circuit.admit(now: at(96)) == .go(probe: true), "the first probe is presumed lost")
        guard case .gaveUp(_, true) = circuit.admit(now: at(700)) else { Issue.record("did not give up"); return }
        guard case .gaveUp(_, false) = circuit.admit(now: at(701)) else { Issue.record("gave up twice"); return }
        #expect(circuit.hasGivenUp)
        #expect(circuit.answer(now: at(702)) == .none, "giving up is final")
    }
}
