import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOSSL
import CustomerExportCommon

/// `HTTPTransport` over AsyncHTTPClient: pooled keep-alive connections (as many per host as the
/// run's concurrency), gzip/deflate accepted and decoded, TLS with certificate verification on and
/// an optional private CA bundle.
///
/// Redirects are followed here, not by the library, and only within the request's origin
/// (scheme, host and port): the credential header goes wherever a followed redirect points, so a
/// redirect to another origin (https to http included) is returned as it came, for the client
/// to refuse.
package final class AsyncHTTPClientTransport: HTTPTransport {
    private let client: HTTPClient
    private let maxBodyBytes: Int

    /// `maxBodyBytes` bounds every response body (after decompression): past it the response is
    /// abandoned while it streams in, and `get` throws a `TransportError` with `bodyTooLarge`.
    package init(maxConnections: Int, connectTimeout: TimeSpan, caFile: String?, maxBodyBytes: Int = APIConfiguration.defaultMaxResponseBytes) throws {
        self.maxBodyBytes = maxBodyBytes
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        if let caFile {
            tls.trustRoots = .file(caFile)
        }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: .nanoseconds(connectTimeout.nanoseconds)),
            decompression: .enabled(limit: .ratio(200))
        )
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, maxConnections)
        )
        // Our own retry policy (backoff, jitter, attempt budget) decides about failed connects;
        // the pool's internal retries would hide a refused connection until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    package func get(url: String, headers: [(name: String, value: String)], timeout: TimeSpan) throws(TransportError) -> HTTPResult {
        try get(url: url, headers: headers, timeout: timeout) { _ in }
    }

    package func get(
        url: String, headers: [(name: String, value: String)], timeout: TimeSpan, whenAnswered: @escaping @Sendable (Int) -> Void
    ) throws(TransportError) -> HTTPResult {
        var target = url
        for _ in 0...Self.maxRedirects {
            let result = try getOnce(url: target, headers: headers, timeout: timeout, whenAnswered: whenAnswered)
            guard let next = RedirectPolicy.sameOriginTarget(of: result, requestedURL: target) else { return result }
            target = next
        }
        throw TransportError("more than \(Self.maxRedirects) redirects within \(RedirectPolicy.origin(of: url) ?? "the API's origin")")
    }

    package static let maxRedirects = 3

    private func getOnce(
        url: String, headers: [(name: String, value: String)], timeout: TimeSpan, whenAnswered: @escaping @Sendable (Int) -> Void
    ) throws(TransportError) -> HTTPResult {
        do {
            var requestHeaders = HTTPHeaders()
            for header in headers { requestHeaders.add(name: header.name, value: header.value) }
            requestHeaders.add(name: "Accept-Encoding", value: "gzip, deflate")
            requestHeaders.add(name: "Accept", value: "application/json")
            let request = try HTTPClient.Request(url: url, method: .GET, headers: requestHeaders)
            let collector = BoundedResponseCollector(maxBodyBytes: maxBodyBytes)
            let answer = client.execute(request: request, delegate: collector, deadline: .now() + .nanoseconds(timeout.nanoseconds)).futureResult
            // Registered before `wait`, so it runs on the event loop ahead of this thread's wake-up.
            answer.whenSuccess { whenAnswered($0.status) }
            return try answer.wait()
        } catch let tooLarge as BoundedResponseCollector.TooLarge {
            throw TransportError("the response body is over \(maxBodyBytes) bytes", bodyTooLarge: maxBodyBytes, leadingBytes: tooLarge.leadingBytes)
        } catch let error as HTTPClientError {
            throw TransportError(Self.describe(error))
        } catch {
            throw TransportError(String(describing: error))
        }
    }

    private static func describe(_ error: HTTPClientError) -> String {
        switch error {
        case .connectTimeout: return "connection timed out"
        case .deadlineExceeded, .readTimeout: return "request timed out"
        case .remoteConnectionClosed: return "connection closed by the server before the response ended"
        default: return String(describing: error)
        }
    }

    package func shutdown() {
        try? client.syncShutdown()
    }
}
