import CustomerExportCommon

extension RejectedElement {
    /// The quarantine entry for this element of `buffer`: the reason strict scanning gave, the
    /// record's `id` when one can be read without trusting the rest (so `quarantine retry` can ask
    /// for it again), and its bytes as served. The payload column is text, which holds neither NUL
    /// nor invalid UTF-8: such bytes are written `\xNN`, and the reason says so.
    package func quarantined(in buffer: UnsafeBufferPointer<UInt8>) -> QuarantinedRecord {
        let bytes = UnsafeBufferPointer(rebasing: buffer[range])
        let (payload, escaped) = Self.textPayload(bytes)
        var reason = self.reason
        if escaped { reason += " (bytes that are not UTF-8 text are shown as \\xNN in the payload)" }
        return QuarantinedRecord(sourceId: LeadingRecordId.topLevelId(bytes), reason: reason, payload: payload)
    }

    /// `bytes` as valid UTF-8 without NUL: valid sequences as they are, anything else as `\xNN`.
    package static func textPayload(_ bytes: UnsafeBufferPointer<UInt8>) -> (payload: [UInt8], escaped: Bool) {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var escaped = false
        var index = 0
        func escape(_ byte: UInt8) {
            let hex = Array("0123456789ABCDEF".utf8)
            out += [UInt8(ascii: "\\"), UInt8(ascii: "x"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            escaped = true
        }
        while index < bytes.count {
            let lead = bytes[index]
            if lead == 0 { escape(lead); index += 1; continue }
            if lead < 0x80 { out.append(lead); index += 1; continue }
            let length = JSONScanner.validSequenceLength(bytes, at: index)
            if length == 0 {
                escape(lead)
                index += 1
            } else {
                out += bytes[index..<(index + length)]
                index += length
            }
        }
        return (out, escaped)
    }
}
