import LibPQ
import TestSupport
import Testing

/// Typed values in and out: every `PostgresEncodable` reaches PostgreSQL as the value it is
/// (arrays with hostile elements and NULLs included), and a column is read back by type with a
/// sentence naming it when its text is not one.
@Suite struct PostgresValueTests {
    @Test("typed scalars bind as their PostgreSQL types and read back by type")
    func scalarsRoundTrip() throws {
        let connection = try TestDatabase.connect()
        let result = try connection.execute(
            "SELECT $1::bigint + 1 AS big, $2::int AS small, $3::float8 * 2 AS ratio, NOT $4::bool AS flag, $5::text AS word",
            parameters: [Int64(9_007_199_254_740_993), 42, 0.25, false, "naïve"])
        #expect(try result.decode(Int64.self, column: "big") == 9_007_199_254_740_994)
        #expect(try result.decode(Int.self, column: "small") == 42)
        #expect(try result.decode(Double.self, column: "ratio") == 0.5)
        #expect(try result.decode(Bool.self, column: "flag") == true)
        #expect(try result.decode(String.self, column: "word") == "naïve")
    }

    @Test("an array parameter arrives element for element: quotes, backslashes, commas, braces and NULL")
    func arraysArriveAsWritten() throws {
        let connection = try TestDatabase.connect()
        let hostile = ["a", "b\",\"c", "d\\", "{e}", " f ", "NULL", ""]
        let texts = try connection.execute(
            "SELECT e FROM unnest($1::text[]) WITH ORDINALITY AS u(e, i) ORDER BY i", parameters: [hostile])
        #expect(texts.rows.map { $0[0] } == hostile.map { Optional($0) })
        let withNulls: [Int64?] = [1, nil, 3]
        let numbers = try connection.execute(
            "SELECT array_length($1::bigint[], 1), count(*) FILTER (WHERE e IS NULL) FROM unnest($1::bigint[]) AS e", parameters: [withNulls])
        #expect(try numbers.decode(Int.self, column: 0) == 3)
        #expect(try numbers.decode(Int.self, column: 1) == 1)
        let empty = try connection.execute("SELECT cardinality($1::bigint[])", parameters: [[Int64]()])
        #expect(try empty.single(Int.self) == 0)
    }

    @Test("a nil parameter binds SQL NULL; a NULL column reads as nil; no row reads as nil")
    func nullAndAbsence() throws {
        let connection = try TestDatabase.connect()
        let missing: Int64? = nil
        let result = try connection.execute("SELECT $1::bigint", parameters: [missing])
        #expect(try result.decode(Int64.self) == nil)
        let none = try connection.execute("SELECT 1 WHERE false")
        #expect(try none.decode(Int.self) == nil)
        #expect(throws: PostgresError.self) { try none.single(Int.self) }
    }

    @Test("a column whose text is not the type asked for is an error naming the column")
    func badValueNamesTheColumn() throws {
        let connection = try TestDatabase.connect()
        let result = try connection.execute("SELECT 'twelve'::text AS amount")
        do {
            _ = try result.decode(Int.self, column: "amount")
            Issue.record("decoding text as Int succeeded")
        } catch {
            #expect(error.message.contains("column amount"), "\(error.message)")
            #expect(error.message.contains("twelve"), "\(error.message)")
        }
        #expect(throws: PostgresError.self) { try result.decode(Int.self, column: "no_such_column") }
    }
}

extension PostgresValueTests {
    @Test("an array column reads back as the array it holds; a NULL element or a non-number is an error")
    func arrayColumnsReadByType() throws {
        let connection = try TestDatabase.connect()
        let ids: [Int64] = [3, 1, 4_000_000_000_000]
        let result = try connection.execute("SELECT $1::bigint[], ARRAY['x y', 'q\"uote', 'back\\slash'], ARRAY[1, NULL]::bigint[], '{}'::bigint[]", parameters: [ids])
        #expect(try result.decode([Int64].self, column: 0) == ids)
        #expect(try result.decode([String].self, column: 1) == ["x y", "q\"uote", "back\\slash"])
        #expect(throws: PostgresError.self) { try result.decode([Int64].self, column: 2) }
        #expect(try result.decode([Int64].self, column: 3) == [])
    }
}
