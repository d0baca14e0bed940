import Foundation
import Testing
import TestSupport

/// `scripts/bench --quick`: every benchmark step runs end to end on tiny sizes. A smoke test
/// only: timings on shared machines are not asserted, the report's shape is.
@Suite("Benchmark smoke test")
struct BenchmarkSmokeTests {
    @Test("the quick benchmark runs every measurement and prints its report")
    func quickBenchmark() async throws {
        let databaseURL = try TestDatabase.connectionString()
        let outcome = try await runBlocking {
            let process = Process()
            process.executableURL = ChaosTests.packageRoot.appendingPathComponent("scripts/bench")
            process.arguments = ["--quick"]
            process.currentDirectoryURL = ChaosTests.packageRoot
            process.environment = ProcessInfo.processInfo.environment.merging([
                "DATABASE_URL": databaseURL, "BENCH_BIN": Executables.productsDirectory.path,
            ]) { $1 }
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        #expect(outcome.0 == 0, "\(outcome.1)")
        for line in ["| COPY ceiling", "| merge ceiling", "| database-bound backfill, 20000 customers", "| API-bound backfill", "| backfill of 40000 customers |", "| 8 |"] {
            #expect(outcome.1.contains(line), "missing \(line) in:\n\(outcome.1)")
        }
    }
}
