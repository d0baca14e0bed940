import Testing
@testable import CustomerExport

@Suite("Page bodies")
struct PageBodyTests {
    func body(_ text: String, _ envelope: ResponseEnvelope = .dataMeta) throws -> PageBody {
        try PageBody(bytes: Array(text.utf8), envelope: envelope)
    }

    @Test("the data-meta envelope yields each record's exact bytes and the total")
    func dataMeta() throws {
        let page = try body(#"{"meta": {"limit": 2, "offset": 0, "total": 7}, "data": [{"id": 1}, {"id": 2, "x": [1, {"y": "}"}]}]}"#)
        #expect(page.total == 7)
        #expect(page.records.map { String(decoding: page.bytes[$0], as: UTF8.self) } == [#"{"id": 1}"#, #"{"id": 2, "x": [1, {"y": "}"}]}"#])
    }

    @Test("a bare array has records and no total")
    func array() throws {
        let page = try body(#"[{"id": 1}, {"id": 2}]"#, .array)
        #expect(page.total == nil)
        #expect(page.records.count == 2)
    }

    @Test("cut, garbled or wrongly shaped bodies are errors (so the request is retried)", arguments: [
        #"{"data": [{"id": 1}, {"id": 2"#, #"<html>502 Bad Gateway</html>"#, #"{"meta": {"total": 3}}"#,
        #"{"data": {"id": 1}}"#, #"{"data": []} trailing"#, #"{"data": [01]}"#, "",
    ])
    func rejects(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try body(text) }
    }

    @Test("an element that is not strict JSON is rejected alone, the envelope being sound", arguments: [
        #"{"data": ["\ud800"]}"#, "{\"data\": [\"tab\u{09}inside\"]}", #"{"data": [1.]}"#, #"{"data": [tru]}"#,
    ])
    func rejectsElement(_ text: String) throws {
        let page = try body(text)
        #expect(page.records.isEmpty && page.rejected.count == 1)
    }

    @Test("a quote, backslash, control byte or multi-byte character is found at every position of a long string")
    func stringScanningAtEveryOffset() throws {
        for offset in 0..<20 {
            let pad = String(repeating: "a", count: offset)
            let tail = String(repeating: "b", count: 19 - offset)
            // The string ends exactly after the padding: nothing after the closing quote is part of it.
            let ended = try body(#"{"data": [{"k": ""# + pad + #"", "z": 1}]}"#)
            #expect(String(decoding: ended.bytes[ended.records[0]], as: UTF8.self) == #"{"k": ""# + pad + #"", "z": 1}"#)
            for inside in [#"\""#, #"\\"#, "é", "€", "😀", #"\u0041"#] {
                let page = try body(#"{"data": [{"k": ""# + pad + inside + tail + #""}]}"#)
                #expect(page.records.count == 1, "\(inside) at \(offset)")
            }
            #expect(try body("{\"data\": [\"" + pad + "\u{09}" + tail + "\"]}").rejected.count == 1, "a tab at \(offset)")
            let withFF = Array(#"{"data": [""#.utf8) + Array(pad.utf8) + [0xFF] + Array(tail.utf8) + Array(#""]}"#.utf8)
            #expect(try PageBody(bytes: withFF, envelope: .dataMeta).rejected.count == 1, "a bare byte 0xFF at \(offset)")
        }
        for word: UInt64 in [0x6161_6161_6161_6161, 0x7E7E_7E7E_2020_2121, 0x2323_5B5B_5D5D_7F7F] {
            #expect(!JSONScanner.needsAttention(word), "\(String(word, radix: 16)) is plain text")
        }
        for special: UInt64 in [0x22, 0x5C, 0x1F, 0x00, 0x80, 0xFF] {
            for byte in 0..<8 {
                let word = (0x6161_6161_6161_6161 & ~(UInt64(0xFF) << (8 * byte))) | (special << (8 * byte))
                #expect(JSONScanner.needsAttention(word), "byte \(byte) = \(special)")
            }
        }
    }

    @Test("invalid UTF-8 is rejected, valid multi-byte text accepted")
    func utf8() throws {
        var bytes = Array(#"{"data": [""#.utf8)
        bytes += [0xC3, 0x28]
        bytes += Array(#""]}"#.utf8)
        #expect(try PageBody(bytes: bytes, envelope: .dataMeta).rejected.count == 1)
        #expect(try body(#"{"data": ["Zoë 日本 🚗 \ud83d\ude97"]}"#).records.count == 1)
    }
}
