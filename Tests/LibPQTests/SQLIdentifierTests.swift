import LibPQ
import Testing

@Suite struct SQLIdentifierTests {
    @Test(arguments: ["customers", "_x", "A1_b", "export_2024", String(repeating: "a", count: 63)])
    func acceptsPlainIdentifiers(_ name: String) {
        #expect(SQLIdentifier.validated(name) == name)
    }

    @Test(arguments: [
        "", "1abc", "a-b", "a b", "é", "schema.table", "a\"b", "a;drop", String(repeating: "a", count: 64), "a\u{0}",
    ])
    func rejectsAnythingElse(_ name: String) {
        #expect(SQLIdentifier.validated(name) == nil)
    }

    @Test func quotingDoublesEmbeddedQuotes() {
        #expect(SQLIdentifier.quoted("customers") == "\"customers\"")
        #expect(SQLIdentifier.quoted("Mixed Case") == "\"Mixed Case\"")
        #expect(SQLIdentifier.quoted("a\"b") == "\"a\"\"b\"")
        #expect(SQLIdentifier.quoted("\"") == "\"\"\"\"")
        #expect(SQLIdentifier.qualified("s", "t") == "\"s\".\"t\"")
    }
}

@Suite struct CopyTextFormatTests {
    @Test func escapesExactlyWhatTheTextFormatRequires() {
        #expect(CopyTextFormat.escaped(nil) == "\\N")
        #expect(CopyTextFormat.escaped("") == "")
        #expect(CopyTextFormat.escaped("a\tb\nc\rd\\e") == "a\\tb\\nc\\rd\\\\e")
        #expect(CopyTextFormat.escaped("\\N") == "\\\\N")
        #expect(CopyTextFormat.escaped("日本 'q' \"d\"") == "日本 'q' \"d\"")
        var row: [UInt8] = []
        CopyTextFormat.appendRow(["1", nil, "x\ty"], to: &row)
        #expect(String(decoding: row, as: UTF8.self) == "1\t\\N\tx\\ty\n")
    }
}
