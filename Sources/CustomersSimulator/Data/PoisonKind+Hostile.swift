/// The poison whose damage is in the bytes (`--hostile`, `--huge-records`): records that are
/// otherwise valid customers (integer id, valid `createdAt` and `updatedAt`, so they fall in the
/// usual date windows) but that a strict JSON parser, or PostgreSQL's `jsonb`, refuses or
/// chokes on.
///
/// A Swift `String` cannot hold a lone surrogate or invalid UTF-8, so these kinds do not change
/// the model's text: they hand the JSON writer bytes to copy verbatim (``Customer/nameTail``,
/// ``JSONValue/raw(_:)``) or a length of filler to write (``Customer/namePadding``).
extension PoisonKind {
    /// The `--hostile` cycle.
    static let hostileCycle: [PoisonKind] = [.loneSurrogate, .invalidUTF8, .deepNesting, .hugeNumber]

    /// The kind of the `index`-th hostile record.
    static func hostileCycling(_ index: Int) -> PoisonKind {
        hostileCycle[index % hostileCycle.count]
    }

    /// Served inside `name` after `"<marker> x"`: a lone high surrogate escape, then `y`. Valid
    /// UTF-8 on the wire, but it decodes to no Unicode scalar.
    static let loneSurrogateTail: [UInt8] = Array(#"\ud83dy"#.utf8)

    /// Served inside `name` after `"<marker> "`: an orphaned lead byte before `(`, and a byte
    /// that never occurs in UTF-8.
    static let invalidUTF8Tail: [UInt8] = [0xC3, 0x28, 0xFF]

    /// Nesting depth of `deep-nesting`, beyond the usual parser limits (512 in Foundation's).
    static let nestingDepth = 600

    /// `[[[...]]]`, `nestingDepth` arrays deep.
    static let deepArrays: [UInt8] =
        Array(repeating: UInt8(ascii: "["), count: nestingDepth) + Array(repeating: UInt8(ascii: "]"), count: nestingDepth)

    /// A number no float holds and PostgreSQL's `numeric` overflows on.
    static let hugeNumberText: [UInt8] = Array("1e999999".utf8)

    /// The smallest `--huge-record-bytes`: room for the longest marker and its space.
    static let minimumHugeRecordBytes = 64

    /// The byte-level damage of the hostile kinds; `customer.name` is already `marker`.
    func corruptBytes(_ customer: inout Customer, marker: String, hugeRecordBytes: Int) {
        switch self {
        case .loneSurrogate:
            customer.name = "\(marker) x"
            customer.nameTail = Self.loneSurrogateTail
        case .invalidUTF8:
            customer.name = "\(marker) "
            customer.nameTail = Self.invalidUTF8Tail
        case .deepNesting:
            customer.extras.append((key: "nested", value: .raw(Self.deepArrays)))
        case .hugeNumber:
            customer.extras.append((key: "score", value: .raw(Self.hugeNumberText)))
        case .hugeRecord:
            // The filler is written straight into the record's bytes, never held as a String:
            // a 50 MB record then costs its 50 MB once.
            customer.name = "\(marker) "
            customer.namePadding = max(0, hugeRecordBytes - customer.name.utf8.count)
        case .missingID, .idString, .badDate, .nulChar, .hugeString, .updatedBeforeCreated, .duplicateOlder:
            break
        }
    }
}
