import LibPQ

extension PostgresConnection {
    /// `transaction` for bodies that only throw `PostgresError`, keeping the error typed for
    /// callers that map it to a user-facing sentence.
    func inTransaction<T>(_ body: () throws(PostgresError) -> T) throws(PostgresError) -> T {
        do {
            return try transaction { try body() }
        } catch let error as PostgresError {
            throw error
        } catch {
            throw PostgresError(kind: .query, message: String(describing: error))
        }
    }
}
