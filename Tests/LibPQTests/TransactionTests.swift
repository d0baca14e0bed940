import LibPQ
import TestSupport
import Testing

/// `transaction`: commit, rollback on throw, and a commit that the server turned into a rollback.
@Suite struct TransactionTests {
    struct BodyFailed: Error {}

    @Test func commitsWhenTheBodyReturns() throws {
        try TestDatabase.withSchema { connection, schema in
            try connection.execute("CREATE TABLE t (id int)")
            let value = try connection.transaction {
                try connection.execute("INSERT INTO t VALUES (1), (2)")
                #expect(connection.isInTransaction)
                return 42
            }
            #expect(value == 42)
            #expect(!connection.isInTransaction)

            // Visible to another session, so really committed.
            let other = try TestDatabase.connect()
            let table = SQLIdentifier.qualified(schema, "t")
            #expect(try other.execute("SELECT count(*) FROM \(table)").rows == [["2"]])
        }
    }

    @Test func rollsBackAndRethrowsWhenTheBodyThrows() throws {
        try TestDatabase.withSchema { connection, _ in
            try connection.execute("CREATE TABLE t (id int)")
            #expect(throws: BodyFailed.self) {
                try connection.transaction {
                    try connection.execute("INSERT INTO t VALUES (1)")
                    throw BodyFailed()
                }
            }
            #expect(!connection.isInTransaction)
            #expect(try connection.execute("SELECT count(*) FROM t").rows == [["0"]])
        }
    }

    @Test func rollsBackWhenAStatementFails() throws {
        try TestDatabase.withSchema { connection, _ in
            try connection.execute("CREATE TABLE t (id int PRIMARY KEY)")
            let error = try #require(throws: PostgresError.self) {
                try connection.transaction {
                    try connection.execute("INSERT INTO t VALUES (1)")
                    try connection.execute("INSERT INTO t VALUES (1)")
                }
            }
            #expect(error.sqlState == "23505")  // unique_violation
            #expect(error.detail?.contains("already exists") == true)
            #expect(!connection.isInTransaction)
            #expect(try connection.execute("SELECT count(*) FROM t").rows == [["0"]])
        }
    }

    @Test func aSwallowedErrorMakesTheCommitThrow() throws {
        try TestDatabase.withSchema { connection, _ in
            try connection.execute("CREATE TABLE t (id int)")
            let error = try #require(throws: PostgresError.self) {
                try connection.transaction {
                    try connection.execute("INSERT INTO t VALUES (1)")
                    _ = try? connection.execute("SELECT * FROM no_such_table")
                }
            }
            #expect(error.kind == .query)
            #expect(error.message.contains("rolled back"))
            #expect(!connection.isInTransaction)
            #expect(try connection.execute("SELECT count(*) FROM t").rows == [["0"]])
        }
    }

    @Test func transactionsDoNotNest() throws {
        let connection = try TestDatabase.connect()
        let error = try #require(throws: PostgresError.self) {
            try connection.transaction {
                try connection.transaction {}
            }
        }
        #expect(error.message.contains("nested"))
        #expect(!connection.isInTransaction)
    }
}
