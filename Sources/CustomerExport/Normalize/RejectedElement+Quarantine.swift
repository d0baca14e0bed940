import CustomerExportVocabulary
import CustomerExportJSON

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
        return QuarantinedRecord(sourceId: Self.leadingIntegerId(bytes), reason: reason, payload: payload)
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

    /// The value of a top-level `"id": <digits>` member, read leniently: members are walked at the
    /// object's first level only (strings skipped by their quotes, brackets counted), so an `id`
    /// nested in `metadata` is never taken for the record's.
    package static func leadingIntegerId(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var index = 0
        var depth = 0
        var expectingKey = false
        while index < bytes.count {
            let c = bytes[index]
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectingKey = depth == 1 && c == UInt8(ascii: "{")
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                expectingKey = depth == 1
            case UInt8(ascii: "\""):
                let start = index + 1
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") { index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1 }
                guard index < bytes.count else { return nil }
                if expectingKey, index - start == 2, bytes[start] == UInt8(ascii: "i"), bytes[start + 1] == UInt8(ascii: "d") {
                    return integer(after: index + 1, in: bytes)
                }
                expectingKey = false
            default:
                break
            }
            index += 1
        }
        return nil
    }

    private static func integer(after colonSearchStart: Int, in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var index = colonSearchStart
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ":")].contains(bytes[index]) { index += 1 }
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        while index < bytes.count, (48...57).contains(bytes[index]), index - start < 20 { index += 1 }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        return Int64(text).map(String.init)
    }
}
