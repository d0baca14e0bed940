import LibPQ
import TestSupport
import Testing

/// Error classification: SQLSTATE and fields from the server, authentication vs connection
/// failures, and no password in any message.
@Suite struct ErrorTests {
    @Test func anUnknownTableCarriesItsSQLState() throws {
        let connection = try TestDatabase.connect()
        let error = try #require(throws: PostgresError.self) {
            try connection.execute("SELECT * FROM no_such_table_anywhere")
        }
        #expect(error.kind == .query)
        #expect(error.sqlState == "42P01")  // undefined_table
        #expect(error.message == "relation \"no_such_table_anywhere\" does not exist")
        #expect(error.description.hasPrefix("query failed (SQLSTATE 42P01): relation"))
        #expect(connection.isHealthy)
    }

    @Test func serverHintsAreKept() throws {
        let connection = try TestDatabase.connect()
        let error = try #require(throws: PostgresError.self) {
            try connection.execute("SELECT no_such_function(1)")
        }
        #expect(error.sqlState == "42883")  // undefined_function
        #expect(error.hint?.isEmpty == false)
        #expect(error.description.contains("\nHINT: "))
    }

    @Test func aWrongPasswordIsAnAuthenticationErrorWithoutThePassword() throws {
        let url = try TestDatabase.connectionString()
        let wrongPassword = "wrong-Secret-4711"
        let wrongURL = try #require(Self.replacingPassword(in: url, with: wrongPassword))
        let error = try #require(throws: PostgresError.self) {
            try PostgresConnection(connectionString: wrongURL)
        }
        #expect(error.kind == .authentication)
        #expect(error.sqlState == "28P01")  // invalid_password
        #expect(error.message.contains("password authentication failed"))
        #expect(!error.description.contains(wrongPassword))
        if let realPassword = Self.password(in: url) {
            #expect(!error.description.contains(realPassword))
        }
    }

    @Test func aMissingPasswordIsAnAuthenticationError() throws {
        let url = try TestDatabase.connectionString()
        let withoutPassword = try #require(Self.replacingPassword(in: url, with: nil))
        let error = try #require(throws: PostgresError.self) {
            try PostgresConnection(connectionString: withoutPassword + "?passfile=/nonexistent")
        }
        #expect(error.kind == .authentication)
    }

    @Test func anUnreachablePortIsAConnectionError() throws {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        let secret = "unreachable-Secret-1"
        let error = try #require(throws: PostgresError.self) {
            try PostgresConnection(connectionString: "postgresql://export:\(secret)@127.0.0.1:1/export?connect_timeout=5")
        }
        #expect(error.kind == .connection)
        #expect(error.sqlState == nil)
        #expect(error.message.contains("127.0.0.1"))
        #expect(!error.message.hasSuffix("\n"))
        #expect(!error.description.contains(secret))
    }

    @Test func aMalformedConnectionStringNeverEchoesThePassword() throws {
        // libpq quotes the offending URI component, here the password itself.
        let error = try #require(throws: PostgresError.self) {
            try PostgresConnection(connectionString: "postgresql://export:bad%zzSecret@127.0.0.1:1/export")
        }
        #expect(error.kind == .connection)
        #expect(error.message.contains("percent"))
        #expect(!error.description.contains("zzSecret"))
        #expect(error.description.contains("***"))

        let keywordError = try #require(throws: PostgresError.self) {
            try PostgresConnection(connectionString: "host=127.0.0.1 port=1 password='kwSecret")
        }
        #expect(!keywordError.description.contains("kwSecret"))
    }

    // MARK: Helpers

    /// `postgresql://user:old@rest` → `postgresql://user:new@rest` (or `user@rest` for `nil`).
    static func replacingPassword(in url: String, with password: String?) -> String? {
        guard let scheme = url.firstRange(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") else { return nil }
        let userInfo = url[scheme.upperBound..<at]
        let user = userInfo.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        let newUserInfo = password.map { "\(user):\($0)" } ?? user
        return String(url[..<scheme.upperBound]) + newUserInfo + String(url[at...])
    }

    static func password(in url: String) -> String? {
        guard let scheme = url.firstRange(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") else { return nil }
        let parts = url[scheme.upperBound..<at].split(separator: ":", maxSplits: 1)
        return parts.count == 2 ? String(parts[1]) : nil
    }
}
