import Hummingbird
import NIOCore

/// The two faults that break the connection rather than the response: they act on the
/// request's channel directly, which is why the routes run with ``SimulatorRequestContext``.
enum ConnectionFaults {
    /// Closes the connection before anything is written: the client sees the connection end
    /// with no status line at all. (The response Hummingbird then tries to write fails quietly.)
    static func reset(_ channel: any Channel) async {
        try? await channel.close()
    }

    /// A response that announces the full `Content-Length`, sends the first half of the body,
    /// then closes the connection. Closing the output first lets the half body drain before
    /// the socket goes away.
    static func truncated(_ reply: Reply, channel: any Channel) -> Response {
        let fullLength = reply.body.readableBytes
        let half = reply.body.getSlice(at: reply.body.readerIndex, length: fullLength / 2) ?? ByteBuffer()
        return Response(
            status: reply.status,
            headers: reply.headers,
            body: ResponseBody(contentLength: fullLength) { writer in
                try await writer.write(half)
                try? await channel.close(mode: .output)
                try? await channel.close()
            }
        )
    }
}
