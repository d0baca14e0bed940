import Foundation
import Testing
import TestSupport

/// `scripts/chaos --quick`: faults of every kind, live mutations, poison, and SIGKILL at random
/// moments, then the table compared with the simulator's truth.
@Suite("Chaos (quick)")
struct ChaosTests {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test("the quick chaos run passes every scenario")
    func quickChaos() async throws {
        let databaseURL = try TestDatabase.connectionString()
        let outcome = try await runBlocking {
            let process = Process()
            process.executableURL = Self.packageRoot.appendingPathComponent("scripts/chaos")
            process.arguments = ["--quick"]
            process.currentDirectoryURL = Self.packageRoot
            process.environment = ProcessInfo.processInfo.environment.merging([
                "DATABASE_URL": databaseURL, "CHAOS_BIN": Executables.productsDirectory.path,
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
        #expect(outcome.1.contains("9 passed, 0 failed"), "\(outcome.1)")
    }
}
