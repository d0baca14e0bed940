import CustomerExport
import CustomersSimulator
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LibPQ
import Logging
import TestSupport

/// One end-to-end setting: an in-process simulator on a free port, and a fresh target schema
/// and state schema in the test PostgreSQL, dropped by `cleanup()`.
struct ExportHarness: Sendable {
    let simulator: RunningSimulator
    let databaseURL: String
    let targetSchema: String
    let stateSchema: String
    let token = "e2e-token"

    static func start(_ configure: (inout SimulatorOptions) -> Void = { _ in }) async throws -> ExportHarness {
        var options = SimulatorOptions(customers: 2000, seed: 7, token: "e2e-token")
        configure(&options)
        let simulator = try await CustomersSimulator.start(options)
        return ExportHarness(
            simulator: simulator, databaseURL: try TestDatabase.connectionString(),
            targetSchema: TestDatabase.uniqueName("t"), stateSchema: TestDatabase.uniqueName("s"))
    }

    /// Runs `body` against a fresh harness and cleans up after it on every path, before
    /// returning: a cleanup left to an unstructured task could still be dropping schemas
    /// through libpq while the test process exits.
    static func with(
        configure: (inout SimulatorOptions) -> Void = { _ in }, _ body: (ExportHarness) async throws -> Void
    ) async throws {
        let harness = try await start(configure)
        do {
            try await body(harness)
        } catch {
            await harness.cleanup()
            throw error
        }
        await harness.cleanup()
    }

    var target: String { "\(targetSchema).customers" }

    func cleanup() async {
        await simulator.stop()
        try? TestDatabase.dropSchema(targetSchema)
        try? TestDatabase.dropSchema(stateSchema)
    }

    /// A backfill request for `[from, to)` against this harness.
    func backfill(from: String = "2023-01-01", to: String = "2026-01-01", _ adjust: (inout RunOverrides) -> Void = { _ in }) throws -> RunRequest {
        var overrides = RunOverrides()
        overrides.mode = .backfill
        for (flag, value) in [("--api-url", simulator.baseURL), ("--database-url", databaseURL), ("--target-schema", targetSchema),
                              ("--state-schema", stateSchema), ("--from", from), ("--to", to)] {
            overrides.set(flag, value)
        }
        adjust(&overrides)
        return try RunSettings.build(file: nil, overrides: overrides, environment: ["CUSTOMERS_API_TOKEN": token])
    }

    /// Runs the pipeline in this process, off the cooperative thread pool.
    func run(_ request: RunRequest, cancellation: CancellationToken = CancellationToken()) async throws -> RunReport {
        try await runBlocking {
            try ExportPipeline(request: request, cancellation: cancellation, logger: Logger(label: "e2e")).run()
        }
    }

    /// The CLI flags that point `customer-export` at this harness.
    var cliFlags: [String] {
        ["--api-url", simulator.baseURL, "--database-url", databaseURL, "--target-schema", targetSchema, "--state-schema", stateSchema]
    }

    /// The harness's datasets hold thousands of customers, not millions: day windows (the
    /// calendar, no counting) give a run the many windows and commits a real export has with
    /// windows sized by rows, which the tests that stop, kill or starve a run mid-way need.
    static let dayWindows = ["--window", "1d"]

    var cliEnvironment: [String: String] { ["CUSTOMERS_API_TOKEN": token] }

    func admin(_ path: String, method: String = "GET") async throws -> [UInt8] {
        let url = URL(string: simulator.baseURL + path)!
        return try await runBlocking {
            var request = URLRequest(url: url)
            request.httpMethod = method
            let semaphore = DispatchSemaphore(value: 0)
            let box = ResultBox()
            URLSession.shared.dataTask(with: request) { data, _, error in
                box.set(data.map { Array($0) }, error)
                semaphore.signal()
            }.resume()
            semaphore.wait()
            return try box.get()
        }
    }

    func truth() async throws -> SimulatorTruth {
        try SimulatorTruth(jsonLines: try await admin("/__admin/truth"))
    }

    /// How the target table differs from the simulator's truth (all zero when equal).
    func compareWithTruth(_ truth: SimulatorTruth) async throws -> TruthComparison {
        let databaseURL = self.databaseURL
        let target = self.target
        return try await runBlocking {
            let connection = try PostgresConnection(connectionString: databaseURL)
            defer { connection.close() }
            return try truth.compare(with: target, on: connection)
        }
    }

    func query(_ sql: String) async throws -> [[String?]] {
        let databaseURL = self.databaseURL
        return try await runBlocking {
            let connection = try PostgresConnection(connectionString: databaseURL)
            defer { connection.close() }
            return try connection.execute(sql).rows
        }
    }

    func scalar(_ sql: String) async throws -> Int {
        Int(try await query(sql).first?.first??.description ?? "") ?? -1
    }

    /// Polls `condition` until it holds, failing with `what` after `timeout`: a wait for a
    /// state, never for a guessed time.
    func waitUntil(_ what: String, timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw HarnessTimeout(what: what, timeout: timeout) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    struct HarnessTimeout: Error, CustomStringConvertible {
        var what: String
        var timeout: Duration
        var description: String { "waited \(timeout) for \(what)" }
    }

    /// Waits until `count` windows are done, for as long as `child` runs (up to 10 minutes), and
    /// returns how many are. A fixed 30 s budget was not enough on a loaded CI machine, where
    /// planning alone once took longer and a test then acted on a run that had not started.
    func waitForDoneWindows(atLeast count: Int, while child: ChildProcess) async throws -> Int {
        var done = 0
        let deadline = ContinuousClock.now + .seconds(600)
        while child.process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            done = (try? await scalar("SELECT count(*) FROM \(stateSchema).windows WHERE status = 'done'")) ?? 0
            if done >= count { break }
        }
        return done
    }
}

/// A result handed across threads from a URLSession callback.
final class ResultBox: @unchecked Sendable {
    // @unchecked: written once by the callback before the semaphore is signalled, read after
    // the waiter wakes; the semaphore orders the two accesses.
    private var data: [UInt8]?
    private var error: (any Error)?
    func set(_ data: [UInt8]?, _ error: (any Error)?) { self.data = data; self.error = error }
    func get() throws -> [UInt8] {
        if let error { throw error }
        return data ?? []
    }
}
