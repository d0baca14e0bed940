import Foundation

/// Runs one of the package's scripts (or any program) to its end on a thread of its own and
/// returns its exit status and standard output (standard error is kept apart, for messages).
public enum ScriptRunner {
    /// The package's root directory, derived from this file's place in it.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        let child = try ChildProcess(executable, arguments, environment: environment, directory: packageRoot)
        let outcome = await child.finish()
        return Result(status: outcome.status, stdout: outcome.stdout, stderr: outcome.stderr)
    }

    /// A tool a test needs is not installed; the description says how to get it.
    public struct Missing: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// `scripts/NAME` of this package.
    public static func script(_ name: String) -> URL {
        packageRoot.appendingPathComponent("scripts").appendingPathComponent(name)
    }
}
