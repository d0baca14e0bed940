/// The kinds of invalid record the simulator mixes into the data: `--poison N` cycles through
/// ``cycle``, `--hostile N` through ``hostileCycle`` and `--huge-records N` adds `huge-record`.
///
/// Each is a way a real source has been seen to break an export: a record a strict client must
/// reject, quarantine or reconcile rather than load blindly.
enum PoisonKind: String, CaseIterable, Sendable {
    /// No `"id"` key.
    case missingID = "missing-id"
    /// `"id": "123"`: the right value in the wrong JSON type.
    case idString = "id-string"
    /// `createdAt` or `updatedAt` is not a date-time.
    case badDate = "bad-date"
    /// A `\u0000` escape inside `name` (PostgreSQL text cannot hold it).
    case nulChar = "nul-char"
    /// A 1 MB `name`.
    case hugeString = "huge-string"
    /// Well-formed, but `updatedAt` is earlier than `createdAt`.
    case updatedBeforeCreated = "updated-before-created"
    /// A second entry with the id of a live customer: same `createdAt`, older `updatedAt`,
    /// different name. Served next to the real one.
    case duplicateOlder = "duplicate-older"

    // Hostile bytes (`--hostile`, `--huge-records`): see PoisonKind+Hostile.swift.

    /// `name` holds `\ud83d`, the JSON escape of a lone high surrogate.
    case loneSurrogate = "lone-surrogate"
    /// `name` holds raw bytes that are not UTF-8 (`C3 28`, `FF`).
    case invalidUTF8 = "invalid-utf8"
    /// An extra member `"nested"` holding 600 nested arrays.
    case deepNesting = "deep-nesting"
    /// An extra member `"score": 1e999999`, beyond any float and PostgreSQL's numeric.
    case hugeNumber = "huge-number"
    /// A valid record whose `name` alone is `--huge-record-bytes` long (50 MB by default).
    case hugeRecord = "huge-record"

    /// The `--poison` cycle. Spelled out rather than `allCases`, so that new kinds never change
    /// which record a seed makes poison of which kind.
    static let cycle: [PoisonKind] = [
        .missingID, .idString, .badDate, .nulChar, .hugeString, .updatedBeforeCreated, .duplicateOlder,
    ]

    /// The kind of the `index`-th poison record.
    static func cycling(_ index: Int) -> PoisonKind {
        cycle[index % cycle.count]
    }

    /// The recognisable name prefix of a poison record, e.g. `poison-bad-date-1234`.
    func marker(internalID: Int64) -> String {
        "poison-\(rawValue)-\(internalID)"
    }

    /// Unparseable date strings for `bad-date`, each wrong in a different way.
    private static let badDates = [
        "2024-02-30T10:00:00Z", "2024-13-01T00:00:00Z", "yesterday", "2024-03-01 10:00:00", "1709287200",
        "2024-03-01T25:00:00+02:00", "", "0000-00-00T00:00:00Z", "2024-03-01T10:00:00", "01/03/2024 10:00",
    ]

    static let hugeNameBytes = 1 << 20

    /// Exactly `hugeNameBytes` bytes of UTF-8: the marker, then a non-ASCII filler cut on a
    /// character boundary and padded with ASCII.
    static func hugeName(startingWith marker: String) -> String {
        var bytes = Array("\(marker) ".utf8)
        let pattern = Array("Ünïcödé huge string ".utf8)
        while bytes.count + pattern.count <= hugeNameBytes { bytes.append(contentsOf: pattern) }
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "x"), count: hugeNameBytes - bytes.count))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Corrupts `customer` the way this kind prescribes; `internalID` is the id the simulator
    /// sorts and filters the record by, `variant` picks among the ways to be wrong, and
    /// `hugeRecordBytes` is the name length of a `huge-record`.
    func corrupt(_ customer: inout Customer, internalID: Int64, variant: Int, hugeRecordBytes: Int = 0) {
        let marker = marker(internalID: internalID)
        customer.name = marker
        switch self {
        case .missingID:
            customer.id = .missing
        case .idString:
            customer.id = .string(String(internalID))
        case .badDate:
            let text = Self.badDates[variant % Self.badDates.count]
            if variant % 2 == 0 { customer.createdAt = .raw(text) } else { customer.updatedAt = .raw(text) }
        case .nulChar:
            customer.name = "\(marker)\u{0}tail"
        case .hugeString:
            customer.name = Self.hugeName(startingWith: marker)
        case .updatedBeforeCreated, .duplicateOlder:
            break  // their timestamps are chosen by the generator; the name marks them
        case .loneSurrogate, .invalidUTF8, .deepNesting, .hugeNumber, .hugeRecord:
            corruptBytes(&customer, marker: marker, hugeRecordBytes: hugeRecordBytes)
        }
    }
}
