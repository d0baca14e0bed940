import Foundation
import Testing
import TestSupport

/// `scripts/chaos --quick`: faults of every kind, live mutations, poison, and SIGKILL at random
/// moments, then the table compared with the simulator's truth.
@Suite("Chaos (quick)")
struct ChaosTests {
    @Test("the quick chaos run passes every scenario")
    func quickChaos() async throws {
        let outcome = try await ScriptRunner.run(ScriptRunner.script("chaos"), ["--quick"], environment: [
            "DATABASE_URL": try TestDatabase.connectionString(), "CHAOS_BIN": Executables.productsDirectory.path,
        ])
        #expect(outcome.status == 0, "\(outcome.stdout)\n\(outcome.stderr)")
        #expect(outcome.stdout.contains("9 passed, 0 failed"), "\(outcome.stdout)")
    }
}
