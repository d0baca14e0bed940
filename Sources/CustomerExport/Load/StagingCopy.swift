import LibPQ

/// COPY of encoded customer rows (`CustomerColumns.encode`) into a staging table: the one way a
/// record reaches PostgreSQL before its merge, for a run's loaders and for `quarantine retry`.
enum StagingCopy {
    /// Copies every chunk of COPY text into `table`, in order, in one COPY; returns the rows copied.
    static func copy(_ chunks: [[UInt8]], into table: String, on connection: PostgresConnection) throws(PostgresError) -> Int {
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
