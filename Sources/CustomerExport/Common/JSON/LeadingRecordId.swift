/// Reads a record's `id` from the start of its bytes, trusting nothing after it: the bytes may be
/// invalid JSON (a quarantined element) or cut short (the leading bytes of a body abandoned for
/// being over the limit). Members are walked at the object's first level only (strings skipped by
/// their quotes, brackets counted), so an `id` nested in `metadata` is never taken for the record's.
package enum LeadingRecordId {
    /// The value of a top-level `"id": <digits>` member of the object `bytes` start with.
    package static func topLevelId(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
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
                if depth <= 0 { return nil }
            case UInt8(ascii: ","):
                expectingKey = depth == 1
            case UInt8(ascii: "\""):
                let start = index + 1
                index = endOfString(bytes, from: start)
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

    /// The `id` of the first record of a page body's leading bytes: the first element of the
    /// top-level array (`array`), or of the root object's `data` array (`data-meta`).
    package static func firstRecordId(_ bytes: UnsafeBufferPointer<UInt8>, envelope: ResponseEnvelope) -> String? {
        var index = 0
        var depth = 0
        var recordsDepth: Int? = envelope == .array ? 1 : nil
        var lastKeyWasData = false
        while index < bytes.count {
            let c = bytes[index]
            switch c {
            case UInt8(ascii: "{"):
                if let recordsDepth, depth == recordsDepth {
                    return topLevelId(UnsafeBufferPointer(rebasing: bytes[index...]))
                }
                depth += 1
            case UInt8(ascii: "["):
                if recordsDepth == nil, depth == 1, lastKeyWasData { recordsDepth = 2 }
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: "\""):
                let start = index + 1
                index = endOfString(bytes, from: start)
                guard index < bytes.count else { return nil }
                lastKeyWasData = depth == 1 && index - start == 4 && bytes[start..<index].elementsEqual("data".utf8)
                index += 1
                continue
            default:
                break
            }
            if c != UInt8(ascii: ":"), c != UInt8(ascii: " "), c != 0x0A, c != 0x0D, c != 0x09 { lastKeyWasData = false }
            index += 1
        }
        return nil
    }

    /// The index of the quote closing the string that starts at `start`, or `bytes.count`.
    private static func endOfString(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") { index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1 }
        return min(index, bytes.count)
    }

    private static func integer(after colonSearchStart: Int, in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var index = colonSearchStart
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ":")].contains(bytes[index]) { index += 1 }
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        while index < bytes.count, (48...57).contains(bytes[index]), index - start < 20 { index += 1 }
        // Digits running to the end of cut bytes may be a longer number's start.
        guard index < bytes.count else { return nil }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        return Int64(text).map(String.init)
    }
}
