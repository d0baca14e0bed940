/// Every way a command can end other than success, each with its documented exit code and one
/// sentence that says what is wrong and what to do.
package enum ExportError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Some windows failed after retries (or could not be read consistently); exit 1. Resumable.
    case incomplete(String)
    /// Bad flags, pipeline file or environment; exit 2. Nothing was written.
    case configuration(String)
    /// The API refused a request (400, 401, 403, 404); exit 3.
    case apiRejected(String)
    /// PostgreSQL is unreachable, refused the credentials or failed a statement; exit 4.
    case database(String)
    /// SIGINT or SIGTERM: work in hand was committed or rolled back; exit 5. Run the same command to resume.
    case interrupted(String)
    /// Another run of the same pipeline holds the lock; exit 6.
    case locked(String)

    package var exitCode: Int32 {
        switch self {
        case .incomplete: 1
        case .configuration: 2
        case .apiRejected: 3
        case .database: 4
        case .interrupted: 5
        case .locked: 6
        }
    }

    package var message: String {
        switch self {
        case let .incomplete(m), let .configuration(m), let .apiRejected(m), let .database(m), let .interrupted(m), let .locked(m): m
        }
    }

    package var description: String { message }
}

extension ExportError {
    /// Of several errors from parts of one run, the one that explains the others: a failure
    /// stops the run, and the parts it stopped then report an interruption.
    package static func cause(among errors: [ExportError]) -> ExportError? {
        errors.first { if case .interrupted = $0 { false } else { true } } ?? errors.first
    }
}
