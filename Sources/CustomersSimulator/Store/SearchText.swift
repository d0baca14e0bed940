/// Case folding for `search`, scalar by scalar (as `String.lowercased()` does): ASCII is
/// lowered in place, anything else through its Unicode lowercase mapping, so `MÜLLER` finds
/// `Müller`.
enum SearchText {
    static func fold(_ text: String) -> [UInt8] {
        var folding = FoldingCache()
        return folding.fold(text)
    }

    /// Whether `needle` occurs in `haystack` (both already folded); a plain scan keyed on the
    /// first byte, which is fast for the short needles people search for.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                var start = 0
                let last = hay.count - pin.count
                while start <= last {
                    if hay[start] == first {
                        var matched = 1
                        while matched < pin.count && hay[start + matched] == pin[matched] { matched += 1 }
                        if matched == pin.count { return true }
                    }
                    start += 1
                }
                return false
            }
        }
    }
}

/// Folds text for ``SearchText``, remembering the lowercase mapping of each non-ASCII scalar:
/// looking the mapping up costs far more than the rest of building a row, and generated names
/// reuse few scalars.
struct FoldingCache {
    private var mappings: [UInt32: [UInt8]] = [:]

    mutating func fold(_ text: String) -> [UInt8] {
        var folded: [UInt8] = []
        folded.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                folded.append((UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte)
            } else if let known = mappings[scalar.value] {
                folded.append(contentsOf: known)
            } else {
                let mapping = Array(scalar.properties.lowercaseMapping.utf8)
                mappings[scalar.value] = mapping
                folded.append(contentsOf: mapping)
            }
        }
        return folded
    }
}
