import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// Collects a response body up to a limit, as AsyncHTTPClient's `ResponseAccumulator` does, and
/// when the body goes past it keeps only its leading bytes: enough to name the record that was
/// too large (its `id` comes first in every record the contract describes), never the record.
final class BoundedResponseCollector: HTTPClientResponseDelegate {
    typealias Response = HTTPResult

    /// The body went past the limit; `leadingBytes` are its first bytes, at most `leadingLimit`.
    struct TooLarge: Error {
        var leadingBytes: [UInt8]
    }

    /// Bytes kept of a body over the limit: a record's leading members fit many times over.
    static let leadingLimit = 16 * 1024

    private struct State {
        var head: HTTPResponseHead?
        var body: ByteBuffer?
        /// The head declared a length over the limit: only the leading bytes are read.
        var declaredTooLarge = false
    }

    private let state = Mutex(State())
    private let maxBodyBytes: Int

    init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        let declared = head.headers.first(name: "content-length").flatMap { Int($0) }
        state.withLock { state in
            state.head = head
            // Known too large before the body: read just far enough to name its first record.
            state.declaredTooLarge = (declared ?? 0) > maxBodyBytes
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        let tooLarge = state.withLock { state -> TooLarge? in
            let held = state.body?.readableBytes ?? 0
            let limit = state.declaredTooLarge ? Self.leadingLimit : maxBodyBytes
            guard held + buffer.readableBytes > limit else {
                var part = buffer
                if state.body == nil { state.body = part } else { state.body!.writeBuffer(&part) }
                return nil
            }
            var leading = state.body.map { Array($0.readableBytesView.prefix(Self.leadingLimit)) } ?? []
            leading += buffer.readableBytesView.prefix(Self.leadingLimit - leading.count)
            state.body = nil
            return TooLarge(leadingBytes: leading)
        }
        if let tooLarge { return task.eventLoop.makeFailedFuture(tooLarge) }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveError(task: HTTPClient.Task<Response>, _ error: any Error) {}

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> HTTPResult {
        try state.withLock { state throws -> HTTPResult in
            if state.declaredTooLarge {
                throw TooLarge(leadingBytes: state.body.map { Array($0.readableBytesView) } ?? [])
            }
            var body = state.body ?? ByteBuffer()
            return HTTPResult(
                status: Int(state.head?.status.code ?? 0),
                headers: state.head?.headers.map { (name: $0.name, value: $0.value) } ?? [],
                body: body.readBytes(length: body.readableBytes) ?? [])
        }
    }
}
