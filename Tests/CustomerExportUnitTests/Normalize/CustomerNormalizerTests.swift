import Testing
@testable import CustomerExport

@Suite("Normalize")
struct CustomerNormalizerTests {
    let normalizer = CustomerNormalizer(maxStringBytes: 1000)

    func normalize(_ json: String) -> NormalizedRecord {
        let bytes = Array(json.utf8)
        return bytes.withUnsafeBufferPointer { normalizer.normalize($0, 0..<bytes.count) }
    }

    func row(_ json: String) throws -> CustomerRow {
        guard case let .row(row) = normalize(json) else {
            Issue.record("expected a row for \(json), got \(normalize(json))")
            throw CancellationError()
        }
        return row
    }

    func reason(_ json: String) -> String? {
        if case let .quarantined(entry) = normalize(json) { return entry.reason }
        return nil
    }

    @Test("typed columns: trimmed strings, lower-case e-mail, upper-case country, instants, raw kept whole")
    func typed() throws {
        let json = #"{"id": 42, "externalId": " EXT-1 ", "name": "\t Zoë \"Z\" \\ Ltd\n", "type": "fleet", "status": "active", "parentId": 7, "operatorId": null, "email": "Zoe@Example.COM", "countryCode": "de", "address": {"city": "Köln"}, "metadata": null, "createdAt": "2024-03-01T12:00:00+02:00", "updatedAt": "2024-03-02T10:00:00.123456789Z", "loyaltyTier": "gold"}"#
        let r = try row(json)
        #expect(r.id == 42)
        #expect(r.externalId == "EXT-1")
        #expect(r.name == "Zoë \"Z\" \\ Ltd")
        #expect(r.email == "zoe@example.com")
        #expect(r.countryCode == "DE")
        #expect(r.parentId == 7 && r.operatorId == nil)
        #expect(r.addressJSON.map { String(decoding: $0, as: UTF8.self) } == #"{"city": "Köln"}"#)
        #expect(r.metadataJSON == nil)
        #expect(r.createdAt == Timestamp(rfc3339: "2024-03-01T10:00:00Z"))
        #expect(r.updatedAt.rfc3339Nanoseconds == "2024-03-02T10:00:00.123456789Z")
        #expect(String(decoding: r.raw, as: UTF8.self) == json)
        #expect(r.qualityFlags.isEmpty)
    }

    @Test("a NUL character is removed from the value and from raw, and flagged")
    func nul() throws {
        let r = try row(#"{"id": 1, "name": "a\u0000b", "note": "\\u0000 stays", "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z"}"#)
        #expect(r.name == "ab")
        #expect(r.qualityFlags == ["nul_removed"])
        #expect(String(decoding: r.raw, as: UTF8.self) == #"{"id": 1, "name": "ab", "note": "\\u0000 stays", "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z"}"#)
    }

    @Test("records that cannot be made valid are quarantined with the reason", arguments: [
        (#"{"name": "x", "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z"}"#, "missing id"),
        (#"{"id": "12", "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z"}"#, "id is not an integer"),
        (#"{"id": 1.5, "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z"}"#, "id is not an integer"),
        (#"{"id": 1, "createdAt": "yesterday", "updatedAt": "2024-01-01T00:00:00Z"}"#, "unparseable createdAt"),
        (#"{"id": 1, "createdAt": "2024-01-01T00:00:00Z"}"#, "missing updatedAt"),
        (#"{"id": 1, "createdAt": "2024-01-02T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z"}"#, "is before createdAt"),
        (#"{"id": 1, "parentId": "7", "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z"}"#, "parentId is not an integer"),
        (#"{"id": 1, "address": "Main St", "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z"}"#, "address is a JSON string"),
        (#"[1, 2]"#, "not a JSON object"),
    ])
    func quarantined(_ json: String, _ expected: String) {
        let reason = reason(json)
        #expect(reason?.contains(expected) == true, "\(reason ?? "no quarantine")")
    }

    @Test("a string over the limit is quarantined, and the entry keeps the payload and id")
    func tooLong() {
        let json = #"{"id": 9, "name": ""# + String(repeating: "x", count: 1001) + #"", "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z"}"#
        guard case let .quarantined(entry) = normalize(json) else { Issue.record("not quarantined"); return }
        #expect(entry.reason.contains("over the limit of 1000"))
        #expect(entry.sourceId == "9")
        #expect(entry.payload == Array(json.utf8))
    }
}
