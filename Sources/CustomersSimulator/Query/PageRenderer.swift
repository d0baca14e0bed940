import NIOCore

/// Writes a page's response body in the configured envelope, copying each record's
/// pre-serialised bytes once.
enum PageRenderer {
    static func body(_ page: PageResult, query: CustomerQuery, envelope: SimulatorOptions.Envelope) -> ByteBuffer {
        let capacity = page.records.reduce(96) { $0 + $1.count + 1 }
        var buffer = ByteBufferAllocator().buffer(capacity: capacity)
        buffer.writeStaticString(envelope == .dataMeta ? "{\"data\":[" : "[")
        for (position, record) in page.records.enumerated() {
            if position > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
            buffer.writeBytes(record)
        }
        switch envelope {
        case .dataMeta:
            buffer.writeString("],\"meta\":{\"limit\":\(query.limit),\"offset\":\(query.offset),\"total\":\(page.total ?? 0)}}")
        case .array:
            buffer.writeStaticString("]")
        }
        return buffer
    }
}
