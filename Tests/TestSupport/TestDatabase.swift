import LibPQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The PostgreSQL that tests run against: the one `scripts/pg-start` starts, found through
/// `CUSTOMER_EXPORT_TEST_DATABASE_URL`. Tests that need it fail (not skip) without it, so a
/// green run always means the database code was exercised.
public enum TestDatabase {
    /// The environment variable holding the test database's connection string.
    public static let environmentVariable = "CUSTOMER_EXPORT_TEST_DATABASE_URL"

    /// Thrown when the test database is not configured; the message says how to fix it.
    public struct NotConfigured: Error, CustomStringConvertible {
        public var description: String {
            """
            \(environmentVariable) is not set. Run the tests with `scripts/test`, which starts \
            PostgreSQL and sets it; or start one yourself: \
            `export \(environmentVariable)=$(scripts/pg-start | sed 's/^DATABASE_URL=//')`.
            """
        }
    }

    /// From `CUSTOMER_EXPORT_TEST_DATABASE_URL`; throws ``NotConfigured`` when unset or empty.
    public static func connectionString() throws -> String {
        guard let value = getenv(environmentVariable).map({ String(cString: $0) }), !value.isEmpty else {
            throw NotConfigured()
        }
        return value
    }

    /// A new connection to the test database.
    public static func connect() throws -> PostgresConnection {
        try PostgresConnection(connectionString: connectionString())
    }

    /// A unique lower-case name such as `t_3f9a1c2b` (prefix lower-cased, `_`, 8 random hex
    /// digits), valid as an unquoted identifier, for a schema a test creates and drops. The
    /// randomness makes a clash with an existing schema, even from an earlier crashed run, a
    /// one-in-four-billion event.
    public static func uniqueName(_ prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let suffix = String(UInt32.random(in: .min ... .max, using: &generator), radix: 16)
        let padded = String(repeating: "0", count: 8 - suffix.count) + suffix
        return String("\(prefix.lowercased())_\(padded)".prefix(SQLIdentifier.maximumLength))
    }

    /// `DROP SCHEMA IF EXISTS <name> CASCADE`, on a connection of its own.
    public static func dropSchema(_ name: String) throws {
        let connection = try connect()
        defer { connection.close() }
        try connection.execute("DROP SCHEMA IF EXISTS \(SQLIdentifier.quoted(name)) CASCADE")
    }

    /// Creates a fresh schema, runs `body` with a connection whose `search_path` is that schema,
    /// and drops the schema afterwards (also when `body` throws).
    public static func withSchema<T>(
        prefix: String = "t", _ body: (_ connection: PostgresConnection, _ schema: String) throws -> T
    ) throws -> T {
        let schema = uniqueName(prefix)
        let connection = try connect()
        defer { connection.close() }
        try connection.execute("CREATE SCHEMA \(SQLIdentifier.quoted(schema))")
        defer {
            // The body may have broken its connection or left a failed transaction behind.
            if connection.isHealthy {
                if connection.isInTransaction { _ = try? connection.execute("ROLLBACK") }
                _ = try? connection.execute("DROP SCHEMA IF EXISTS \(SQLIdentifier.quoted(schema)) CASCADE")
            } else {
                try? dropSchema(schema)
            }
        }
        try connection.execute("SET search_path TO \(SQLIdentifier.quoted(schema))")
        return try body(connection, schema)
    }
}
