import Hummingbird
import NIOCore

/// A complete answer before it is sent: kept apart from `Response` so a fault can still cut
/// its body in half, and statistics can count its bytes.
struct Reply: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields = [.contentType: "application/json"]
    var body: ByteBuffer

    /// The contract's error body: `{"message": "..."}`.
    static func message(_ status: HTTPResponse.Status, _ text: String, headers: HTTPFields = [:]) -> Reply {
        var out = JSONWriter()
        out.raw("{")
        out.key("message")
        out.string(text)
        out.raw("}")
        var reply = Reply(status: status, body: out.withUnsafeBytes { ByteBuffer(bytes: $0) })
        for field in headers { reply.headers.append(field) }
        return reply
    }

    static func json(_ bytes: [UInt8]) -> Reply {
        Reply(status: .ok, body: ByteBuffer(bytes: bytes))
    }

    static func text(_ status: HTTPResponse.Status, _ text: String, contentType: String) -> Reply {
        Reply(status: status, headers: [.contentType: contentType], body: ByteBuffer(string: text))
    }

    var response: Response {
        Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// What a reverse proxy sends when the service behind it fails.
    static let badGatewayHTML = """
        <html>
        <head><title>502 Bad Gateway</title></head>
        <body>
        <center><h1>502 Bad Gateway</h1></center>
        <hr><center>nginx</center>
        </body>
        </html>

        """
}
