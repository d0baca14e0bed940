import LibPQ
import TestSupport
import Testing

/// `execute(_:parameters:)`: text-format parameters, NULL, and byte-exact non-ASCII round trips.
@Suite struct ParameterTests {
    static let texts = [
        "plain", "", "café", "e\u{301}" /* decomposed é: must not be normalised */, "日本語",
        "emoji 👩‍👩‍👧 and 🇯🇵", "quotes ' \" and backslash \\", "tab\tnewline\ncr\r", "$1 is not a placeholder here",
    ]

    @Test(arguments: texts)
    func textRoundTripsByteForByte(_ text: String) throws {
        let connection = try TestDatabase.connect()
        let result = try connection.execute("SELECT $1::text AS value, octet_length($1::text) AS bytes", parameters: [text])
        let value = try #require(result[0, "value"])
        #expect(Array(value.utf8) == Array(text.utf8))
        #expect(result[0, "bytes"] == String(text.utf8.count))
    }

    @Test func nilBindsNull() throws {
        let connection = try TestDatabase.connect()
        let result = try connection.execute(
            "SELECT $1::text IS NULL, $2::text IS NULL, $3::int + 1, $2::text", parameters: [nil, "x", "41"])
        #expect(result.rows == [["t", "f", "42", "x"]])
    }

    @Test func parametersWorkInInsertsAndAreNeverSQL() throws {
        try TestDatabase.withSchema { connection, _ in
            try connection.execute("CREATE TABLE people (id int, name text)")
            let hostile = "x'); DROP TABLE people; --"
            let inserted = try connection.execute(
                "INSERT INTO people VALUES ($1, $2), ($3, $4)", parameters: ["1", hostile, "2", nil])
            #expect(inserted.rowsAffected == 2)
            let rows = try connection.execute("SELECT id, name FROM people ORDER BY id").rows
            #expect(rows == [["1", hostile], ["2", nil]])
        }
    }

    @Test func aNULByteIsRejectedBeforeReachingLibpq() throws {
        let connection = try TestDatabase.connect()
        let error = try #require(throws: PostgresError.self) {
            try connection.execute("SELECT $1::text", parameters: ["a\u{0}b"])
        }
        #expect(error.kind == .query)
        #expect(error.message.contains("parameter $1"))
        #expect(connection.isHealthy)
    }

    @Test func aParameterTypeErrorCarriesItsSQLState() throws {
        let connection = try TestDatabase.connect()
        let error = try #require(throws: PostgresError.self) {
            try connection.execute("SELECT $1::int", parameters: ["not a number"])
        }
        #expect(error.kind == .query)
        #expect(error.sqlState == "22P02")  // invalid_text_representation
        #expect(try connection.execute("SELECT 1").rows == [["1"]])
    }
}
