/// The complete, materialised result of one statement: column names, text-format values
/// (`nil` = SQL NULL) and the affected-row count.
///
/// It is a plain value copied out of libpq's `PGresult` (which is freed immediately), so it is
/// `Sendable` and outlives the connection. Meant for small results — metadata, state rows,
/// counts — not for bulk reads.
public struct QueryResult: Sendable {
    public let columnNames: [String]
    /// Rows of text-format values, one entry per column; `nil` is SQL NULL.
    public let rows: [[String?]]
    /// From `PQcmdTuples`: rows inserted/updated/deleted/selected/copied; 0 when the command
    /// reports none (e.g. `CREATE TABLE`).
    public let rowsAffected: Int
    /// The command tag (`PQcmdStatus`), e.g. `INSERT 0 3`, `CREATE TABLE`, or `ROLLBACK` for a
    /// `COMMIT` of a transaction that had failed.
    public let commandTag: String

    public init(columnNames: [String], rows: [[String?]], rowsAffected: Int, commandTag: String = "") {
        self.columnNames = columnNames
        self.rows = rows
        self.rowsAffected = rowsAffected
        self.commandTag = commandTag
    }

    /// The index of the first column with this name, or `nil`.
    public func columnIndex(_ name: String) -> Int? {
        columnNames.firstIndex(of: name)
    }

    /// The value in `row` of the column named `column`; `nil` is SQL NULL.
    ///
    /// An out-of-range row or an unknown column name is a programming error and traps (like
    /// array indexing), rather than being confused with NULL.
    public subscript(row: Int, column: String) -> String? {
        guard let index = columnIndex(column) else {
            preconditionFailure("QueryResult has no column named \"\(column)\"; columns: \(columnNames)")
        }
        return rows[row][index]
    }

    /// The value in `row` at column position `column`; `nil` is SQL NULL.
    public subscript(row: Int, column: Int) -> String? {
        rows[row][column]
    }
}
