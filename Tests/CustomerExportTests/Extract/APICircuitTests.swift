import Logging
import Testing
import TestSupport
@testable import CustomerExport

@Suite("Extract: the API circuit")
struct APICircuitTests {
    static func circuit(retryFor: TimeSpan = .hours(1)) -> (APICircuit, ServiceHealth) {
        let health = ServiceHealth()
        let policy = RetryPolicy(retryFor: retryFor, baseDelay: TimeSpan(nanoseconds: 1_000_000), maxDelay: TimeSpan(nanoseconds: 5_000_000))
        return (APICircuit(policy: policy, health: health, logger: Logger(label: "test"), threshold: 3), health)
    }

    @Test("failures in a row below the threshold keep it closed; an answer between them resets the count")
    func belowThreshold() {
        let (circuit, health) = Self.circuit()
        circuit.recordFailure("HTTP 503", retryAfter: nil, probe: false)
        circuit.recordFailure("HTTP 503", retryAfter: nil, probe: false)
        circuit.recordAnswer()
        circuit.recordFailure("HTTP 503", retryAfter: nil, probe: false)
        circuit.recordFailure("HTTP 503", retryAfter: nil, probe: false)
        #expect(!circuit.isOpen)
        #expect(health.outage(.api) == nil)
        #expect(circuit.admit(cancellation: CancellationToken()) == .go(probe: false))
    }

    @Test("once open, a single probe goes at a time; its failure reopens, its success closes for everyone")
    func probes() async throws {
        let (circuit, health) = Self.circuit()
        for _ in 0..<3 { circuit.recordFailure("HTTP 503", retryAfter: nil, probe: false) }
        #expect(circuit.isOpen)
        #expect(health.outage(.api)?.problem == "HTTP 503")
        #expect(circuit.admit(cancellation: CancellationToken()) == .go(probe: true))
        // While the probe is out, another request waits: it is held, and not admitted before cancellation.
        let waiting = CancellationToken()
        let other = Task { try await runBlocking { circuit.admit(cancellation: waiting) } }
        while circuit.requestsHeld == 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(circuit.isOpen)
        waiting.cancel("test")
        #expect(try await other.value == .cancelled)
        circuit.recordFailure("HTTP 503", retryAfter: nil, probe: true)
        #expect(circuit.admit(cancellation: CancellationToken()) == .go(probe: true), "after the backoff, the next probe goes")
        circuit.recordAnswer()
        #expect(!circuit.isOpen)
        #expect(health.outage(.api) == nil && health.totals().apiOutages == 1)
        #expect(circuit.admit(cancellation: CancellationToken()) == .go(probe: false))
    }

    @Test("open for longer than the retry budget, it gives up: every request fails, naming the budget")
    func givesUp() async throws {
        let (circuit, _) = Self.circuit(retryFor: TimeSpan(nanoseconds: 300_000_000))
        for _ in 0..<3 { circuit.recordFailure("a transport error: connection refused", retryAfter: nil, probe: false) }
        try await Task.sleep(for: .milliseconds(400))
        guard case let .gaveUp(reason) = circuit.admit(cancellation: CancellationToken()) else {
            Issue.record("the circuit did not give up")
            return
        }
        #expect(reason.contains("longer than the retry budget of 300ms") && reason.contains("connection refused"), "\(reason)")
        #expect(circuit.hasGivenUp)
    }
}
