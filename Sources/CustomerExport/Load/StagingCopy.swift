import LibPQ
import CustomerExportCommon

/// COPY of encoded customer rows (`CustomerColumns.encode`) into a staging table: the one way a
/// record reaches PostgreSQL before its merge, for a run's loaders and for `quarantine retry`.
package enum StagingCopy {
    /// Copies every chunk of COPY text into `table`, in order, in one COPY; returns the rows copied.
    package static func copy(_ chunks: [[UInt8]], into table: String, on connection: PostgresConnection) throws(PostgresError) -> Int {
        do {
            return try connection.copyIn("COPY \(table) (\(CustomerColumns.names.joined(separator: ", "))) FROM STDIN") { writer in
                for bytes in chunks {
                    try bytes.withUnsafeBytes { try writer.write($0) }
                }
            }
        } catch let error as PostgresError {
            throw error
        } catch {
            throw PostgresError(kind: .copy, message: "\(error)")
        }
    }
}

extension StagingCopy {
    /// A line of COPY text PostgreSQL refused, with its error.
    package struct RefusedLine {
        package var line: [UInt8]
        package var error: PostgresError

        /// The quarantine entry: the id (the line's first field), the server's reason, the line.
        package var quarantined: QuarantinedRecord {
            let id = line.prefix { $0 != 0x09 }
            return QuarantinedRecord(
                sourceId: String(decoding: id, as: UTF8.self),
                reason: "PostgreSQL refused the row in COPY (SQLSTATE \(error.sqlState ?? "?")): \(error.message)",
                payload: Array(line.prefix { $0 != 0x0A }))
        }
    }

    /// Copies what PostgreSQL accepts: when the COPY fails on a value (SQLSTATE class 22 or 23),
    /// its lines are copied again in halves, down to single lines, and the lines still refused are
    /// returned instead of failing the window. A failed COPY writes nothing, so no line is copied twice.
    package static func copyBisecting(_ chunks: [[UInt8]], into table: String, on connection: PostgresConnection) throws(PostgresError) -> (rows: Int, refused: [RefusedLine]) {
        do {
            return (try copy(chunks, into: table, on: connection), [])
        } catch where SQLState.isDataError(error.sqlState) {
            let lines = chunks.flatMap { chunk in chunk.split(separator: 0x0A, omittingEmptySubsequences: true).map { Array($0) + [0x0A] } }
            return try bisect(lines[...], into: table, on: connection)
        }
    }

    private static func bisect(_ lines: ArraySlice<[UInt8]>, into table: String, on connection: PostgresConnection) throws(PostgresError) -> (rows: Int, refused: [RefusedLine]) {
        do {
            return (try copy([Array(lines.joined())], into: table, on: connection), [])
        } catch where SQLState.isDataError(error.sqlState) {
            guard lines.count > 1 else { return (0, lines.first.map { [RefusedLine(line: $0, error: error)] } ?? []) }
            let middle = lines.startIndex + lines.count / 2
            let first = try bisect(lines[..<middle], into: table, on: connection)
            let second = try bisect(lines[middle...], into: table, on: connection)
            return (first.rows + second.rows, first.refused + second.refused)
        }
    }
}
