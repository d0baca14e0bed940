import CustomerExportCommon

/// A response as the API client sees it, whatever library fetched it.
package struct HTTPResult: Sendable {
    package var status: Int
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    package init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    package func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A failure below HTTP: refused or reset connections, timeouts, TLS errors, cut bodies.
package struct TransportError: Error, Sendable, CustomStringConvertible {
    package var description: String
    /// Set when the body was abandoned for being over this many bytes: not a failure to retry,
    /// but a page to read again in smaller pages.
    package var bodyTooLarge: Int?
    /// The first bytes of a body abandoned for its size: where the record it holds is named.
    package var leadingBytes: [UInt8]
    package init(_ description: String, bodyTooLarge: Int? = nil, leadingBytes: [UInt8] = []) {
        self.description = description
        self.bodyTooLarge = bodyTooLarge
        self.leadingBytes = leadingBytes
    }
}

/// The extract stage's seam to the network: one blocking GET. Blocking is deliberate: requests
/// run on Dispatch worker threads whose number the request limiter bounds, so a thread per
/// in-flight request is cheap and backpressure is a semaphore, not an async buffer.
///
/// `whenAnswered` is told the status the moment the whole response is in, on whatever thread
/// received it and before `get` returns: the caller frees its request slot there, so the next
/// request does not wait for this thread to wake up. Transports without such a moment (test
/// wrappers) get the default, which calls it just before returning.
package protocol HTTPTransport: Sendable {
    func get(url: String, headers: [(name: String, value: String)], timeout: TimeSpan) throws(TransportError) -> HTTPResult
    func get(
        url: String, headers: [(name: String, value: String)], timeout: TimeSpan, whenAnswered: @escaping @Sendable (Int) -> Void
    ) throws(TransportError) -> HTTPResult
    func shutdown()
}

extension HTTPTransport {
    package func get(
        url: String, headers: [(name: String, value: String)], timeout: TimeSpan, whenAnswered: @escaping @Sendable (Int) -> Void
    ) throws(TransportError) -> HTTPResult {
        let result = try get(url: url, headers: headers, timeout: timeout)
        whenAnswered(result.status)
        return result
    }
}
