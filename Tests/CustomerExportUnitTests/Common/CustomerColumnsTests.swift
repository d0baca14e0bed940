import LibPQ
import Testing
@testable import CustomerExport

@Suite("Common: the customer row's one description")
struct CustomerColumnsTests {
    @Test("a row is one COPY line in the description's order: tabs, newlines, carriage returns and backslashes escaped; NULL is \\N; UTF-8 passes through")
    func encoding() throws {
        let t = try #require(Timestamp(rfc3339: "2024-01-01T00:00:00Z"))
        let row = CustomerRow(id: 5, name: "a\tb\nc\rd\\e 日本", email: nil, createdAt: t, updatedAt: t, raw: Array(#"{"n":"\\t"}"#.utf8), qualityFlags: ["nul_removed"])
        var out: [UInt8] = []
        CustomerColumns.encode(row, to: &out)
        let fields = String(decoding: out, as: UTF8.self).dropLast().split(separator: "\t", omittingEmptySubsequences: false)
        let names = CustomerColumns.names
        #expect(fields.count == names.count)
        func field(_ name: String) throws -> Substring { fields[try #require(names.firstIndex(of: name))] }
        #expect(try field("id") == "5")
        #expect(try field("external_id") == "\\N")
        #expect(try field("name") == "a\\tb\\nc\\rd\\\\e 日本")
        #expect(try field("created_at") == "2024-01-01 00:00:00.000000000Z")
        #expect(try field("raw") == #"{"n":"\\\\t"}"#)
        #expect(try field("quality_flags") == "{nul_removed}")
        #expect(out.last == 0x0A)
    }

    @Test("the staging table, the target table and the merge are built from the description, column for column")
    func ddlAndMergeFollowTheDescription() throws {
        let target = try TargetTable(schema: "reporting", table: "customers")
        let staging = MergeStatement.createStaging(named: "pg_temp.stage_1")
        #expect(staging == "CREATE TEMP TABLE pg_temp.stage_1 (\(CustomerColumns.definitions))")
        let statements = target.creationStatements
        let create = try #require(statements.first)
        for column in CustomerColumns.all {
            #expect(create.contains(column.definition), "\(column.name) in the target's CREATE TABLE")
            let added = statements.contains("ALTER TABLE \(target.qualifiedName) ADD COLUMN IF NOT EXISTS \(column.definition)")
            #expect(added == !column.notNull, "\(column.name): an older table gets it added when it may be NULL")
        }
        #expect(create.contains("PRIMARY KEY (id)"))
        let merge = MergeStatement(target: target, stagingTable: "pg_temp.stage_1", loadId: 7).sql
        #expect(merge.contains("(\(CustomerColumns.names.joined(separator: ", ")), loaded_at, load_id)"))
        #expect(merge.contains("now(), 7::bigint FROM incoming") && merge.contains("load_id = EXCLUDED.load_id"), "every written row carries its load")
        #expect(CustomerColumns.all.filter(\.notNull).map(\.name) == ["id", "created_at", "updated_at", "raw"])
    }

    @Test("escaping copies clean runs whole: escapes at either end, back to back, or none")
    func escapingRuns() {
        func escaped(_ text: String) -> String {
            var out: [UInt8] = [0x41]  // appends after what is already there
            CopyTextFormat.appendBytes(Array(text.utf8), to: &out)
            return String(decoding: out.dropFirst(), as: UTF8.self)
        }
        #expect(escaped("\tabc\n") == "\\tabc\\n")
        #expect(escaped("\t\n\r\\") == "\\t\\n\\r\\\\")
        #expect(escaped("plain, 日本") == "plain, 日本")
        #expect(escaped("") == "")
    }
}
