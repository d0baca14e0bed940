internal import CLibPQ

/// The sink a `copyIn` producer writes COPY data into.
///
/// It owns one buffer of about `bufferSize` bytes, reused for the whole COPY: writes append to
/// it, and whenever it reaches `bufferSize` it is handed to `PQputCopyData` (lengths are always
/// UTF-8 byte counts) and emptied, keeping its capacity. The data must already be in the COPY's
/// format; ``writeRow(_:)`` and ``CopyTextFormat`` produce the text format.
///
/// Non-copyable so it cannot be duplicated or kept after `copyIn` returns: it refers to a COPY
/// that only exists during the producer call.
public struct CopyWriter: ~Copyable {
    /// The `PGconn*` in COPY IN state. Valid only during `copyIn`.
    private let connection: OpaquePointer
    /// The flush threshold in bytes.
    public let bufferSize: Int
    private var buffer: [UInt8]
    /// Bytes handed to libpq so far.
    public private(set) var bytesSent = 0
    /// How many times the buffer was sent (`PQputCopyData` calls).
    public private(set) var flushCount = 0
    /// Set when sending failed; later writes fail the same way instead of talking to libpq.
    private(set) var failure: PostgresError?

    init(connection: OpaquePointer, bufferSize: Int) {
        self.connection = connection
        // PQputCopyData takes an int length; 1 GiB is far beyond any useful buffer.
        self.bufferSize = min(max(bufferSize, 1), 1 << 30)
        buffer = []
        buffer.reserveCapacity(self.bufferSize)
    }

    /// Bytes written but not yet sent.
    public var bufferedByteCount: Int { buffer.count }

    /// Appends raw bytes. Large blocks are sent straight from the caller's memory after flushing
    /// what is buffered, rather than copied through the buffer.
    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws(PostgresError) {
        if bytes.count < bufferSize {
            buffer.append(contentsOf: bytes)
            try flushIfFull()
        } else {
            try flush()
            try send(bytes)
        }
    }

    /// Appends the string's UTF-8 bytes.
    public mutating func write(_ string: String) throws(PostgresError) {
        buffer.append(contentsOf: string.utf8)
        try flushIfFull()
    }

    /// Appends one byte.
    public mutating func write(byte: UInt8) throws(PostgresError) {
        buffer.append(byte)
        try flushIfFull()
    }

    /// Appends a sequence of bytes (contiguous collections such as `[UInt8]` or `String.UTF8View`
    /// are copied in one go).
    public mutating func write(contentsOf bytes: some Sequence<UInt8>) throws(PostgresError) {
        buffer.append(contentsOf: bytes)
        try flushIfFull()
    }

    /// Lets an encoder append directly to the buffer (no intermediate arrays), then flushes if
    /// it is full. The closure must only append: bytes already in the buffer are pending data.
    public mutating func withBuffer<Result>(_ body: (inout [UInt8]) -> Result) throws(PostgresError) -> Result {
        let result = body(&buffer)
        try flushIfFull()
        return result
    }

    /// Appends one row in COPY text format (tab-separated, `\N` for NULL, newline-terminated),
    /// escaping each value; see ``CopyTextFormat``.
    public mutating func writeRow(_ fields: [String?]) throws(PostgresError) {
        CopyTextFormat.appendRow(fields, to: &buffer)
        try flushIfFull()
    }

    /// Sends everything buffered now. `copyIn` calls it after the producer returns.
    public mutating func flush() throws(PostgresError) {
        if let failure { throw failure }
        guard !buffer.isEmpty else { return }
        let result: Result<Void, PostgresError> = buffer.withUnsafeBytes { bytes in
            Result { () throws(PostgresError) in try Self.put(bytes, on: connection) }
        }
        try record(result, sent: buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    // MARK: Internals

    private mutating func flushIfFull() throws(PostgresError) {
        if buffer.count >= bufferSize { try flush() }
    }

    private mutating func send(_ bytes: UnsafeRawBufferPointer) throws(PostgresError) {
        if let failure { throw failure }
        var offset = 0
        while offset < bytes.count {
            let chunk = UnsafeRawBufferPointer(rebasing: bytes[offset..<min(offset + bufferSize, bytes.count)])
            let result = Result { () throws(PostgresError) in try Self.put(chunk, on: connection) }
            try record(result, sent: chunk.count)
            offset += chunk.count
        }
    }

    private mutating func record(_ result: Result<Void, PostgresError>, sent count: Int) throws(PostgresError) {
        switch result {
        case .success:
            bytesSent += count
            flushCount += 1
        case .failure(let error):
            failure = error
            throw error
        }
    }

    /// One `PQputCopyData` call. In blocking mode (ours) it returns 1 once the data is queued
    /// or sent, and -1 on failure; 0 ("would block") cannot happen but is treated as failure.
    private static func put(_ bytes: UnsafeRawBufferPointer, on connection: OpaquePointer) throws(PostgresError) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let status = PQputCopyData(connection, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
        guard status == 1 else {
            let lost = PQstatus(connection) == CONNECTION_BAD
            throw PostgresError(
                kind: lost ? .connectionLost : .copy,
                message: "sending COPY data failed: \(PostgresConnection.errorMessage(of: connection))")
        }
    }
}

/// The writer belongs to the thread running `copyIn` on a non-Sendable connection.
@available(*, unavailable)
extension CopyWriter: Sendable {}
