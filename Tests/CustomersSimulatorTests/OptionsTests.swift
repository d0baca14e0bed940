import CustomersSimulator
import Foundation
import Testing

@Suite struct OptionsTests {
    @Test func invalidOptionsAreRefusedWithAdvice() async throws {
        var options = SimulatorOptions(customers: 0)
        options.faults = FaultRates(http500: 0.8, reset: 0.5)
        options.maxLimit = 0
        let problems = options.problems
        #expect(problems.contains { $0.contains("--customers") })
        #expect(problems.contains { $0.contains("add up to at most 1") })
        #expect(problems.contains { $0.contains("--max-limit") })
        await #expect(throws: InvalidSimulatorOptions.self) { try await CustomersSimulator.start(options) }
    }

    @Test func portZeroPicksAFreePortAndStopReleasesIt() async throws {
        let simulator = try await CustomersSimulator.start(SimulatorOptions(customers: 10))
        #expect(simulator.port > 0)
        #expect(simulator.baseURL == "http://127.0.0.1:\(simulator.port)")
        await simulator.stop()
        let again = try await CustomersSimulator.start(SimulatorOptions(port: simulator.port, customers: 10))
        #expect(again.port == simulator.port)
        await again.stop()
    }

    @Test func datesOnTheCommandLine() throws {
        #expect(try SimulatorOptions.parseDate("2023-01-01").get() == SimulatorOptions.defaultStart)
        #expect(try SimulatorOptions.parseDate("2026-01-01T02:00:00+02:00").get() == SimulatorOptions.defaultEnd)
        #expect(throws: InvalidSimulatorOptions.self) { try SimulatorOptions.parseDate("01/01/2023").get() }
    }
}
