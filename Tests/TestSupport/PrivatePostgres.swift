import Foundation

/// A PostgreSQL server of one test's own, started by `scripts/pg-start` on a free port in a
/// directory of its own: a test that restarts or stops its database must not pull the shared
/// one from under the tests running beside it.
public struct PrivatePostgres: Sendable {
    public let port: Int
    public let directory: String
    public let databaseURL: String

    /// Starts a new cluster (a few seconds: initdb, start, role and database).
    public static func start() async throws -> PrivatePostgres {
        let port = try freePort()
        let directory = "/tmp/customer-export-pg-private-\(port)-\(UUID().uuidString.prefix(6))"
        let started = try await ScriptRunner.run(ScriptRunner.script("pg-start"), ["--port", String(port), "--dir", directory])
        guard started.status == 0, let line = started.stdout.split(separator: "\n").last, line.hasPrefix("DATABASE_URL=") else {
            throw Failure(description: "scripts/pg-start failed (\(started.status)): \(started.stderr.suffix(800))")
        }
        return PrivatePostgres(port: port, directory: directory, databaseURL: String(line.dropFirst("DATABASE_URL=".count)))
    }

    /// A fast shutdown (what a restart or a failover does to open sessions), keeping the data.
    public func stopKeepingData() async throws {
        let stopped = try await ScriptRunner.run(ScriptRunner.script("pg-stop"), ["--port", String(port), "--dir", directory, "--keep"])
        guard stopped.status == 0 else { throw Failure(description: "scripts/pg-stop --keep failed: \(stopped.stderr.suffix(800))") }
    }

    /// Starts the stopped server again on the same port and data.
    public func startAgain() async throws {
        let started = try await ScriptRunner.run(ScriptRunner.script("pg-start"), ["--port", String(port), "--dir", directory])
        guard started.status == 0 else { throw Failure(description: "scripts/pg-start (again) failed: \(started.stderr.suffix(800))") }
    }

    /// Stops the server and removes its directory.
    public func remove() async {
        _ = try? await ScriptRunner.run(ScriptRunner.script("pg-stop"), ["--port", String(port), "--dir", directory])
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// A TCP port the kernel just handed out and took back: free at this moment.
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket() failed") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound else { throw Failure(description: "bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
