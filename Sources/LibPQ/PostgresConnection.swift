internal import CLibPQ

/// One libpq connection (`PGconn`), used by one thread at a time.
///
/// Deliberately not `Sendable`: libpq connections must not be used concurrently, and keeping
/// the type non-Sendable lets the compiler enforce that instead of a lock. Each worker opens
/// its own connection. The connection is closed by `close()` or when the object goes away.
///
/// Every libpq call is checked; failures become a ``PostgresError``. Notices the server sends
/// (e.g. "schema already exists, skipping") never reach stderr: they are dropped, or handed to
/// ``onNotice`` when set.
public final class PostgresConnection {
    /// The `PGconn*`; `nil` once closed. Never leaves this module.
    var handle: OpaquePointer?
    /// Owned here so that the pointer given to libpq's notice processor stays valid for the
    /// connection's whole life (it is released only after `PQfinish` in `deinit`).
    private let noticeSink = NoticeSink()

    /// Connects and waits until the connection is ready (or failed).
    ///
    /// - Parameter connectionString: a libpq URI or keyword/value string. `""` means "use
    ///   libpq's defaults", i.e. the `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`...
    ///   environment variables.
    /// - Throws: `.authentication` when the server refused the credentials, `.connection` for
    ///   anything else. The message is libpq's (which never contains the password), with any
    ///   password that libpq might echo from a malformed connection string masked.
    /// - Parameter fallbackApplicationName: the `application_name` the server shows for this
    ///   session (`pg_stat_activity`) unless the connection string or `PGAPPNAME` names one.
    public init(connectionString: String, fallbackApplicationName: String? = nil) throws(PostgresError) {
        guard !connectionString.utf8.contains(0) else {
            throw PostgresError(kind: .connection, message: "the connection string contains a NUL byte")
        }
        guard !(fallbackApplicationName?.utf8.contains(0) ?? false) else {
            throw PostgresError(kind: .connection, message: "the fallback application name contains a NUL byte")
        }
        guard let connection = Self.connect(connectionString, fallbackApplicationName: fallbackApplicationName) else {
            throw PostgresError(kind: .connection, message: "libpq could not allocate a connection (out of memory)")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = ConnectionString.scrubbingPasswords(
                of: connectionString, from: Self.errorMessage(of: connection))
            let needsPassword = PQconnectionNeedsPassword(connection) == 1
            PQfinish(connection)
            throw Self.connectFailure(message: message, needsPassword: needsPassword)
        }
        handle = connection

        // Swift strings are UTF-8, and so is everything we send (COPY data included), whatever
        // the database's encoding or a PGCLIENTENCODING in the environment say.
        guard PQsetClientEncoding(connection, "UTF8") == 0 else {
            let message = Self.errorMessage(of: connection)
            close()
            throw PostgresError(kind: .connection, message: "could not set client encoding to UTF8: \(message)")
        }

        // Replaces libpq's default processor, which prints to stderr. The closure captures
        // nothing (a C function pointer cannot); the sink arrives through `arg`.
        _ = PQsetNoticeProcessor(
            connection,
            { arg, message in
                guard let arg, let message else { return }
                let sink = Unmanaged<NoticeSink>.fromOpaque(arg).takeUnretainedValue()
                sink.handler?(String(cString: message).trimmingTrailingNewlines())
            },
            Unmanaged.passUnretained(noticeSink).toOpaque())
    }

    deinit {
        close()
    }

    /// Closes the connection (`PQfinish`). Idempotent; afterwards every operation throws
    /// `.connectionLost` and `isHealthy` is `false`.
    public func close() {
        if let handle {
            PQfinish(handle)
            self.handle = nil
        }
    }

    /// Receives server notices and warnings (already without trailing newline) instead of
    /// dropping them. Called on the thread using the connection, during the call that caused it.
    public var onNotice: ((String) -> Void)? {
        get { noticeSink.handler }
        set { noticeSink.handler = newValue }
    }

    /// Whether libpq considers the connection usable (`PQstatus == CONNECTION_OK`).
    public var isHealthy: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// The server version as an integer, e.g. `150004` for 15.4 (`PQserverVersion`); 0 when closed.
    public var serverVersion: Int {
        guard let handle else { return 0 }
        return Int(PQserverVersion(handle))
    }

    /// The server process ID serving this connection (`PQbackendPID`); 0 when closed.
    public var backendPID: Int32 {
        guard let handle else { return 0 }
        return PQbackendPID(handle)
    }

    /// Whether a transaction block is open (`BEGIN` issued, not yet committed or rolled back),
    /// including one that failed and awaits `ROLLBACK`.
    public var isInTransaction: Bool {
        guard let handle else { return false }
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    // MARK: Internals shared by the extensions

    /// The open `PGconn*`, or `.connectionLost` when `close()` was called.
    func liveHandle() throws(PostgresError) -> OpaquePointer {
        guard let handle else {
            throw PostgresError(kind: .connectionLost, message: "the connection is closed")
        }
        return handle
    }

    /// `PQconnectdb`, or `PQconnectdbParams` with the connection string expanded as `dbname`
    /// (libpq's way to add one keyword to a URI or keyword/value string without parsing it here)
    /// when a fallback application name is given. An empty string stays "libpq's defaults": an
    /// empty value is ignored there too.
    private static func connect(_ connectionString: String, fallbackApplicationName: String?) -> OpaquePointer? {
        guard let fallbackApplicationName else { return PQconnectdb(connectionString) }
        return "dbname".withCString { dbnameKey in
            "fallback_application_name".withCString { nameKey in
                connectionString.withCString { info in
                    fallbackApplicationName.withCString { name in
                        let keywords: [UnsafePointer<CChar>?] = [dbnameKey, nameKey, nil]
                        let values: [UnsafePointer<CChar>?] = [info, name, nil]
                        return PQconnectdbParams(keywords, values, 1)
                    }
                }
            }
        }
    }

    /// `PQerrorMessage`, trimmed.
    static func errorMessage(of connection: OpaquePointer) -> String {
        guard let message = PQerrorMessage(connection) else { return "unknown libpq error" }
        let text = String(cString: message).trimmingTrailingNewlines()
        return text.isEmpty ? "unknown libpq error" : text
    }

    /// Classifies a failed connection attempt. libpq exposes no SQLSTATE for these, so the
    /// server's (English) message text is matched, and the SQLSTATE the server used for it is
    /// filled in when the match is unambiguous.
    static func connectFailure(message: String, needsPassword: Bool) -> PostgresError {
        let lower = message.lowercased()
        if lower.contains("password authentication failed") {
            return PostgresError(kind: .authentication, sqlState: "28P01", message: message)
        }
        let invalidAuthorization =
            lower.contains("no pg_hba.conf entry") || lower.contains("pg_hba.conf rejects")
            || (lower.contains("role \"") && lower.contains("\" does not exist"))
            || lower.contains("is not permitted to log in")
        if invalidAuthorization {
            return PostgresError(kind: .authentication, sqlState: "28000", message: message)
        }
        if needsPassword || lower.contains("authentication failed") || lower.contains("no password supplied")
            || lower.contains("password is required")
        {
            return PostgresError(kind: .authentication, message: message)
        }
        return PostgresError(kind: .connection, message: message)
    }
}

/// Holds the optional notice handler where libpq's C callback can reach it.
///
/// Not Sendable and needs not be: libpq calls the notice processor synchronously on the thread
/// that is inside a libpq call on this connection, and the connection itself is not Sendable.
final class NoticeSink {
    var handler: ((String) -> Void)?
}

/// Stated explicitly so no one adds it: a libpq connection must not be used from two threads.
@available(*, unavailable, message: "a libpq connection is used by one thread at a time; open one per worker")
extension PostgresConnection: Sendable {}
