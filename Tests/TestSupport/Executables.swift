import Foundation

/// The package's built executables (`customer-export`, `customers-sim`), for tests that must run
/// them as separate processes: exit codes, stderr, `kill -9`.
public enum Executables {
    /// The build products directory: where the test bundle itself was built.
    public static var productsDirectory: URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = bundle.deletingLastPathComponent()
        // swift-testing runs the bundle's binary from inside `X.xctest/...` on some platforms.
        while directory.path.contains(".xctest") { directory.deleteLastPathComponent() }
        return directory
    }

    public static func url(_ name: String) -> URL {
        productsDirectory.appendingPathComponent(name)
    }

    /// What a finished child process left behind.
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// True when it ended by a signal (e.g. the test's SIGKILL) rather than by exiting.
        public var wasSignalled: Bool
    }

    /// Runs `name` with `arguments` and `environment` (added to this process's environment) to
    /// its end, waiting on a thread of its own: an async test must never block the cooperative
    /// pool that an in-process simulator needs to answer the child's requests.
    public static func run(_ name: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> Outcome {
        let process = try start(name, arguments, environment: environment)
        return await process.finish()
    }

    /// Runs `name` to its end under `/usr/bin/time` (which `scripts/test` installs) and returns
    /// what it left behind with its peak resident memory in kB (nil when time printed none).
    public static func runMeasuringPeakMemory(
        _ name: String, _ arguments: [String], environment: [String: String] = [:]
    ) async throws -> (outcome: Outcome, peakKilobytes: Int?) {
        let marker = "customer-export-test-peak-rss-kb"
        let process = try ChildProcess(URL(fileURLWithPath: "/usr/bin/time"), ["-f", "\(marker) %M", url(name).path] + arguments, environment: environment)
        let outcome = await process.finish()
        let line = outcome.stderr.split(separator: "\n").last { $0.hasPrefix(marker) }
        return (outcome, line.flatMap { Int($0.dropFirst(marker.count + 1)) })
    }

    public static func start(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess {
        try ChildProcess(url(name), arguments, environment: environment)
    }
}

/// A running child process whose output is captured to temporary files (pipes could fill up
/// and block a chatty child).
public final class ChildProcess: @unchecked Sendable {
    // @unchecked: `process` is only started in init and then read (pid, wait, terminate), which
    // Foundation's Process allows from any thread; the file URLs are immutable.
    public let process = Process()
    private let out: URL
    private let err: URL

    init(_ executable: URL, _ arguments: [String], environment: [String: String], directory: URL? = nil) throws {
        let temporary = FileManager.default.temporaryDirectory
        out = temporary.appendingPathComponent("child-\(UUID().uuidString).out")
        err = temporary.appendingPathComponent("child-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }

    public func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    public var stderrSoFar: String { (try? String(contentsOf: err, encoding: .utf8)) ?? "" }

    /// Waits for the process to end on a thread of its own.
    public func finish() async -> Executables.Outcome {
        (try? await runBlocking { self.wait() }) ?? Executables.Outcome(status: -1, stdout: "", stderr: "", wasSignalled: false)
    }

    public func wait() -> Executables.Outcome {
        process.waitUntilExit()
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        return Executables.Outcome(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "",
            wasSignalled: process.terminationReason == .uncaughtSignal)
    }
}
