import Foundation
import Testing
import TestSupport

/// `scripts/bench --quick`: every benchmark step runs end to end on tiny sizes. A smoke test
/// only: timings on shared machines are not asserted, the report's shape is.
@Suite("Benchmark smoke test")
struct BenchmarkSmokeTests {
    @Test("the quick benchmark runs every measurement and prints its report")
    func quickBenchmark() async throws {
        let outcome = try await ScriptRunner.run(ScriptRunner.script("bench"), ["--quick"], environment: [
            "DATABASE_URL": try TestDatabase.connectionString(), "BENCH_BIN": Executables.productsDirectory.path,
        ])
        #expect(outcome.status == 0, "\(outcome.stdout)\n\(outcome.stderr)")
        for shape in ["sparse", "dense"] {
            for measurement in ["COPY ceiling", "merge ceiling", "database-bound backfill, 20000 customers", "API-bound backfill"] {
                #expect(outcome.stdout.contains("| **\(shape)**: \(measurement)"), "missing \(shape) \(measurement) in:\n\(outcome.stdout)")
            }
        }
        #expect(outcome.stdout.contains("of raw \\copy"))
        for line in ["| backfill of 40000 customers", "| 8 |"] {
            #expect(outcome.stdout.contains(line), "missing \(line) in:\n\(outcome.stdout)")
        }
    }
}
