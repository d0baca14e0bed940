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
        #"{"data": {"id": 1}}"#, #"{"data": []} trailing"#, #"{"data": ["\ud800"]}"#, "{\"data\": [\"tab\u{09}inside\"]}",
        #"{"data": [01]}"#, #"{"data": [1.]}"#, #"{"data": [tru]}"#, "",
    ])
    func rejects(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try body(text) }
    }

    @Test("invalid UTF-8 is rejected, valid multi-byte text accepted")
    func utf8() throws {
        var bytes = Array(#"{"data": [""#.utf8)
        bytes += [0xC3, 0x28]
        bytes += Array(#""]}"#.utf8)
        #expect(throws: JSONSyntaxError.self) { try PageBody(bytes: bytes, envelope: .dataMeta) }
        #expect(try body(#"{"data": ["Zoë 日本 🚗 \ud83d\ude97"]}"#).records.count == 1)
    }
}
