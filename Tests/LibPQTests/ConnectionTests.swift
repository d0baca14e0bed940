import LibPQ
import TestSupport
import Testing

/// Connecting, simple queries, connection state and notices, against the scripts' PostgreSQL.
@Suite struct ConnectionTests {
    @Test func connectsAndRunsASimpleQuery() throws {
        let connection = try TestDatabase.connect()
        #expect(connection.isHealthy)
        #expect(connection.serverVersion >= 150000)
        #expect(connection.backendPID > 0)

        let result = try connection.execute("SELECT 1 AS one, 'two' AS two, NULL::text AS nothing")
        #expect(result.columnNames == ["one", "two", "nothing"])
        #expect(result.rows == [["1", "two", nil]])
        #expect(result[0, "two"] == "two")
        #expect(result[0, "nothing"] == nil)
        #expect(result[0, 0] == "1")
        #expect(result.columnIndex("missing") == nil)
        #expect(result.rowsAffected == 1)
        #expect(result.commandTag == "SELECT 1")
    }

    @Test func reportsRowsAffectedAndRunsSeveralStatements() throws {
        try TestDatabase.withSchema { connection, _ in
            let created = try connection.execute("CREATE TABLE items (id int PRIMARY KEY, name text)")
            #expect(created.rowsAffected == 0)
            #expect(created.commandTag == "CREATE TABLE")

            let inserted = try connection.execute("INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c')")
            #expect(inserted.rowsAffected == 3)

            // PQexec returns the last statement's result.
            let last = try connection.execute("UPDATE items SET name = 'x' WHERE id < 3; SELECT count(*) FROM items")
            #expect(last.rows == [["3"]])
            #expect(try connection.execute("SELECT count(*) FROM items WHERE name = 'x'").rows == [["2"]])

            let empty = try connection.execute("")
            #expect(empty.rows.isEmpty && empty.columnNames.isEmpty && empty.rowsAffected == 0)
        }
    }

    @Test func usesUTF8WhateverTheClientEncodingDefault() throws {
        let connection = try TestDatabase.connect()
        #expect(try connection.execute("SHOW client_encoding").rows == [["UTF8"]])
    }

    @Test func aFallbackApplicationNameShowsUnlessTheConnectionStringNamesOne() throws {
        let url = try TestDatabase.connectionString()
        let named = try PostgresConnection(connectionString: url, fallbackApplicationName: "exporter/42")
        #expect(try named.execute("SHOW application_name").rows == [["exporter/42"]])
        #expect(try named.execute("SHOW client_encoding").rows == [["UTF8"]])

        let separator = url.contains("?") ? "&" : "?"
        let own = try PostgresConnection(connectionString: url + separator + "application_name=mine", fallbackApplicationName: "exporter/42")
        #expect(try own.execute("SHOW application_name").rows == [["mine"]])

        // The connection string is still parsed by libpq alone: a bad one fails as it did, password masked.
        let error = try #require(throws: PostgresError.self) {
            try PostgresConnection(connectionString: "postgresql://export:fallbackSecret@127.0.0.1:1/export?connect_timeout=5", fallbackApplicationName: "exporter/42")
        }
        #expect(error.kind == .connection)
        #expect(!error.message.contains("fallbackSecret"))
    }

    @Test func closeIsIdempotentAndLaterCallsFailAsConnectionLost() throws {
        let connection = try TestDatabase.connect()
        connection.close()
        connection.close()
        #expect(!connection.isHealthy)
        #expect(connection.serverVersion == 0)
        #expect(connection.backendPID == 0)
        let error = try #require(throws: PostgresError.self) { try connection.execute("SELECT 1") }
        #expect(error.kind == .connectionLost)
    }

    @Test func aTerminatedBackendIsReportedAsConnectionLost() throws {
        let victim = try TestDatabase.connect()
        let killer = try TestDatabase.connect()
        // The second argument makes pg_terminate_backend wait (up to 5 s) until it is gone.
        let terminated = try killer.execute(
            "SELECT pg_terminate_backend($1::int, 5000)", parameters: [String(victim.backendPID)])
        #expect(terminated.rows == [["t"]])

        let error = try #require(throws: PostgresError.self) { try victim.execute("SELECT 1") }
        #expect(error.kind == .connectionLost)
        #expect(!victim.isHealthy)
        #expect(killer.isHealthy)
    }

    @Test func noticesGoToTheHandlerNotStderr() throws {
        try TestDatabase.withSchema { connection, schema in
            var notices: [String] = []
            connection.onNotice = { notices.append($0) }
            try connection.execute("CREATE SCHEMA IF NOT EXISTS \(SQLIdentifier.quoted(schema))")
            #expect(notices.count == 1)
            #expect(notices.first?.contains("already exists, skipping") == true)
            #expect(notices.first?.hasSuffix("\n") == false)

            // Without a handler they are dropped silently.
            connection.onNotice = nil
            try connection.execute("CREATE SCHEMA IF NOT EXISTS \(SQLIdentifier.quoted(schema))")
            #expect(notices.count == 1)
        }
    }
}
