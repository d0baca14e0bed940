import LibPQ
import TestSupport
import Testing

/// `copyIn`: escaping, streaming through the buffer, aborting, and server-side data errors.
@Suite struct CopyTests {
    struct ProducerFailed: Error, Equatable {}

    /// Values that COPY text format must escape or pass through untouched.
    static let awkwardValues: [String?] = [
        "plain", "", "tab\there", "new\nline", "cr\rreturn", "crlf\r\n", "back\\slash", "\\N", "\\.", "\\",
        "single ' and double \" quotes", "comma, semicolon; pipe |", " leading and trailing ", "café",
        "e\u{301}", "日本", "👩‍👩‍👧 🇯🇵", "mixed\t日本\n\\é\r", nil,
    ]

    @Test func awkwardValuesRoundTripByteForByte() throws {
        try TestDatabase.withSchema { connection, _ in
            try connection.execute("CREATE TABLE t (id int, value text)")
            let copied = try connection.copyIn("COPY t (id, value) FROM STDIN") { writer in
                for (index, value) in Self.awkwardValues.enumerated() {
                    try writer.writeRow([String(index), value])
                }
            }
            #expect(copied == Self.awkwardValues.count)

            let result = try connection.execute("SELECT id, value, octet_length(value) FROM t ORDER BY id")
            #expect(result.rows.count == Self.awkwardValues.count)
            for (index, expected) in Self.awkwardValues.enumerated() {
                let row = result.rows[index]
                #expect(row[0] == String(index))
                // Compare bytes: String == would treat "é" and "e\u{301}" as equal.
                #expect(row[1].map { Array($0.utf8) } == expected.map { Array($0.utf8) }, "row \(index)")
                #expect(row[2] == expected.map { String($0.utf8.count) }, "row \(index)")
            }
        }
    }

    @Test func everyWriteFlavourProducesTheSameRows() throws {
        try TestDatabase.withSchema { connection, _ in
            try connection.execute("CREATE TABLE t (a text, b text)")
            let copied = try connection.copyIn("COPY t FROM STDIN", bufferSize: 4) { writer in
                try writer.write("日本\tone\n")
                try Array("é\ttwo\n".utf8).withUnsafeBytes { try writer.write($0) }
                for byte in "x\tthree\n".utf8 { try writer.write(byte: byte) }
                try writer.write(contentsOf: "y\tfour\n".utf8)
                try writer.withBuffer { buffer in CopyTextFormat.appendRow(["z", nil], to: &buffer) }
            }
            #expect(copied == 5)
            let rows = try connection.execute("SELECT a, b FROM t ORDER BY b NULLS LAST").rows
            #expect(rows == [["y", "four"], ["日本", "one"], ["x", "three"], ["é", "two"], ["z", nil]])
        }
    }

    @Test func aCopyLargerThanTheBufferIsSentInSeveralFlushes() throws {
        try TestDatabase.withSchema { connection, _ in
            try connection.execute("CREATE TABLE t (id int, name text, note text)")
            let rowCount = 100_000
            var flushesDuringProduce = 0
            var bytesSentDuringProduce = 0
            let copied = try connection.copyIn("COPY t FROM STDIN", bufferSize: 1 << 16) { writer in
                for id in 0..<rowCount {
                    try writer.writeRow([String(id), "customer \(id) – ünïcödé", id % 7 == 0 ? nil : "note\t\(id)"])
                    #expect(writer.bufferedByteCount < writer.bufferSize)
                }
                flushesDuringProduce = writer.flushCount
                bytesSentDuringProduce = writer.bytesSent
            }
            #expect(copied == rowCount)
            #expect(flushesDuringProduce > 10)
            #expect(bytesSentDuringProduce > 10 * (1 << 16))
            let check = try connection.execute(
                "SELECT count(*), count(note), max(id), sum(octet_length(name)) FROM t")
            let expectedNameBytes = (0..<rowCount).reduce(0) { $0 + "customer \($1) – ünïcödé".utf8.count }
            #expect(check.rows == [[String(rowCount), String(rowCount - (rowCount + 6) / 7), String(rowCount - 1), String(expectedNameBytes)]])
        }
    }

    @Test(arguments: [1 << 18, 64])
    func aThrowingProducerAbortsTheCopy(bufferSize: Int) throws {
        try TestDatabase.withSchema { connection, _ in
            try connection.execute("CREATE TABLE t (id int)")
            // With the small buffer, rows have already reached the server when the producer throws.
            let error = try #require(throws: ProducerFailed.self) {
                try connection.copyIn("COPY t FROM STDIN", bufferSize: bufferSize) { writer in
                    for id in 0..<1000 { try writer.writeRow([String(id)]) }
                    throw ProducerFailed()
                }
            }
            #expect(error == ProducerFailed())
            #expect(connection.isHealthy)
            #expect(!connection.isInTransaction)
            #expect(try connection.execute("SELECT count(*) FROM t").rows == [["0"]])
        }
    }

    @Test func aThrowingProducerInsideATransactionRollsItBack() throws {
        try TestDatabase.withSchema { connection, _ in
            try connection.execute("CREATE TABLE t (id int)")
            #expect(throws: ProducerFailed.self) {
                try connection.transaction {
                    try connection.execute("INSERT INTO t VALUES (-1)")
                    _ = try connection.copyIn("COPY t FROM STDIN") { writer in
                        try writer.writeRow(["1"])
                        throw ProducerFailed()
                    }
                }
            }
            #expect(!connection.isInTransaction)
            #expect(try connection.execute("SELECT count(*) FROM t").rows == [["0"]])
        }
    }

    @Test func aBadRowFailsWithTheServersSQLStateAndLeavesTheConnectionUsable() throws {
        try TestDatabase.withSchema { connection, _ in
            try connection.execute("CREATE TABLE t (id int, name text)")
            let error = try #require(throws: PostgresError.self) {
                try connection.copyIn("COPY t FROM STDIN") { writer in
                    try writer.writeRow(["1", "fine"])
                    try writer.write("2\ttoo\tmany\n")
                    try writer.writeRow(["3", "fine"])
                }
            }
            #expect(error.kind == .copy)
            #expect(error.sqlState == "22P04")  // bad_copy_file_format: extra data after last expected column
            #expect(error.message.contains("extra data"))
            #expect(connection.isHealthy)
            #expect(try connection.execute("SELECT count(*) FROM t").rows == [["0"]])
        }
    }

    @Test func aBadRowFarIntoALargeCopyIsReported() throws {
        try TestDatabase.withSchema { connection, _ in
            try connection.execute("CREATE TABLE t (id int)")
            let error = try #require(throws: PostgresError.self) {
                try connection.copyIn("COPY t FROM STDIN", bufferSize: 1024) { writer in
                    try writer.writeRow(["not a number"])
                    for id in 0..<50_000 { try writer.writeRow([String(id)]) }
                }
            }
            #expect(error.kind == .copy)
            #expect(error.sqlState == "22P02")  // invalid_text_representation
            #expect(try connection.execute("SELECT count(*) FROM t").rows == [["0"]])
        }
    }

    @Test func aStatementThatIsNotCopyFromStdinIsRejected() throws {
        try TestDatabase.withSchema { connection, _ in
            let unknownTable = try #require(throws: PostgresError.self) {
                try connection.copyIn("COPY no_such_table FROM STDIN") { _ in }
            }
            #expect(unknownTable.kind == .copy)
            #expect(unknownTable.sqlState == "42P01")

            let notCopy = try #require(throws: PostgresError.self) {
                try connection.copyIn("SELECT 1") { _ in }
            }
            #expect(notCopy.kind == .copy)

            try connection.execute("CREATE TABLE t (id int)")
            let copyOut = try #require(throws: PostgresError.self) {
                try connection.copyIn("COPY t TO STDOUT") { _ in }
            }
            #expect(copyOut.kind == .copy)
            #expect(try connection.execute("SELECT 1").rows == [["1"]])
        }
    }

    @Test func executeRefusesCopyAndStaysUsable() throws {
        try TestDatabase.withSchema { connection, _ in
            try connection.execute("CREATE TABLE t (id int)")
            try connection.execute("INSERT INTO t VALUES (1), (2)")
            for sql in ["COPY t FROM STDIN", "COPY t TO STDOUT"] {
                let error = try #require(throws: PostgresError.self) { try connection.execute(sql) }
                #expect(error.kind == .query)
                #expect(error.message.contains("copyIn"))
                #expect(try connection.execute("SELECT count(*) FROM t").rows == [["2"]])
            }
        }
    }

    @Test func anEmptyCopyCopiesNothing() throws {
        try TestDatabase.withSchema { connection, _ in
            try connection.execute("CREATE TABLE t (id int)")
            #expect(try connection.copyIn("COPY t FROM STDIN") { _ in } == 0)
        }
    }
}
