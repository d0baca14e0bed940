/// A failure reported by libpq or the server, typed so callers can react to *what* failed
/// (`kind`) and *why* (`sqlState`), and print something useful (`message`, `detail`, `hint`)
/// without ever seeing libpq's C structures.
///
/// Messages never contain a password: libpq's own messages don't, and this module only ever
/// quotes a connection string through ``ConnectionString/redacted(_:)``.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What was being attempted when the failure happened.
    public enum Kind: Sendable, Equatable, CustomStringConvertible {
        /// Could not establish a connection (server unreachable, bad host, bad option, ...).
        case connection
        /// The server was reached but refused the credentials (wrong password, no pg_hba entry, unknown role).
        case authentication
        /// A statement failed (syntax error, unknown table, constraint violation, ...).
        case query
        /// A `COPY ... FROM STDIN` failed: bad data, or a failure while streaming it.
        case copy
        /// The connection broke (server crashed, backend terminated, network dropped) or was closed.
        case connectionLost

        public var description: String {
            switch self {
            case .connection: "connection failed"
            case .authentication: "authentication failed"
            case .query: "query failed"
            case .copy: "COPY failed"
            case .connectionLost: "connection lost"
            }
        }
    }

    public var kind: Kind
    /// The five-character SQLSTATE (e.g. `42P01`) when the server reported one. libpq does not
    /// expose one for failed connection attempts, so it is `nil` for `.connection`/`.authentication`.
    public var sqlState: String?
    /// The primary message, without libpq's `ERROR:` prefix or trailing newline.
    public var message: String
    public var detail: String?
    public var hint: String?

    public init(kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil, hint: String? = nil) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
    }

    public var description: String {
        var text = "\(kind)"
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        text += ": \(message)"
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        return text
    }
}

extension String {
    /// libpq terminates its messages with a newline (sometimes several); callers compose
    /// messages into their own lines, so strip trailing whitespace.
    func trimmingTrailingNewlines() -> String {
        var end = endIndex
        while end > startIndex {
            let previous = index(before: end)
            guard self[previous].isWhitespace else { break }
            end = previous
        }
        return String(self[startIndex..<end])
    }
}
