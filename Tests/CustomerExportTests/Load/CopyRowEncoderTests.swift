import Testing
@testable import CustomerExport

@Suite("COPY encoding")
struct CopyRowEncoderTests {
    @Test("tabs, newlines, carriage returns and backslashes are escaped; NULL is \\N; UTF-8 passes through")
    func escaping() throws {
        let t = try #require(Timestamp(rfc3339: "2024-01-01T00:00:00Z"))
        let row = CustomerRow(id: 5, name: "a\tb\nc\rd\\e 日本", email: nil, createdAt: t, updatedAt: t, raw: Array(#"{"n":"\\t"}"#.utf8), qualityFlags: ["nul_removed"])
        var out: [UInt8] = []
        CopyRowEncoder.append(row, to: &out)
        let fields = String(decoding: out, as: UTF8.self).dropLast().split(separator: "\t", omittingEmptySubsequences: false)
        #expect(fields.count == CopyRowEncoder.columns.count)
        #expect(fields[0] == "5")
        #expect(fields[1] == "\\N")
        #expect(fields[2] == "a\\tb\\nc\\rd\\\\e 日本")
        #expect(fields[12] == "2024-01-01 00:00:00.000000000Z")
        #expect(fields[14] == #"{"n":"\\\\t"}"#)
        #expect(fields[15] == "{nul_removed}")
        #expect(out.last == 0x0A)
    }

    @Test("escaping copies clean runs whole: escapes at either end, back to back, or none; any collection")
    func escapingRuns() {
        func escaped(_ bytes: some Collection<UInt8>) -> String {
            var out: [UInt8] = [0x41]  // appends after what is already there
            CopyRowEncoder.appendEscaped(bytes, to: &out)
            return String(decoding: out.dropFirst(), as: UTF8.self)
        }
        #expect(escaped(Array("\tabc\n".utf8)) == "\\tabc\\n")
        #expect(escaped(Array("\t\n\r\\".utf8)) == "\\t\\n\\r\\\\")
        #expect(escaped(Array("plain, 日本".utf8)) == "plain, 日本")
        #expect(escaped([UInt8]()) == "")
        #expect(escaped(Array("x\ty".utf8).reversed()) == "y\\tx")  // not contiguous
    }
}
