import LibPQ
import Testing
import TestSupport
@testable import CustomerExport

/// COPY into a window's staging table against a real PostgreSQL: a line the server refuses is set
/// aside with its error, and every other line is copied once.
@Suite("Load: COPY into staging sets aside the lines PostgreSQL refuses")
struct StagingCopyTests {
    @Test("one bad line among good ones: the good ones are copied once, the bad one comes back with SQLSTATE and id")
    func bisectsToTheBadLine() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let staging = "pg_temp.staging_copy_test"
        _ = try connection.execute(MergeStatement.createStaging(named: staging))
        var good: [UInt8] = []
        for id in Int64(1)...7 { CustomerColumns.encode(try WindowMergeTests.row(id, updated: "02"), to: &good) }
        var bad: [UInt8] = []
        CustomerColumns.encode(try WindowMergeTests.row(99, updated: "02"), to: &bad)
        // The id column holds text where bigint is expected: 22P02 on this line only.
        bad = Array("99x".utf8) + bad.drop(while: { $0 != 0x09 })
        let lines = good.split(separator: 0x0A).map { Array($0) + [0x0A] }
        let chunks = [Array(lines[0..<3].joined()), bad + Array(lines[3...].joined())]

        let copied = try StagingCopy.copyBisecting(chunks, into: staging, on: connection)
        #expect(copied.rows == 7)
        #expect(copied.refused.count == 1)
        let refused = try #require(copied.refused.first)
        #expect(refused.error.sqlState == "22P02", "\(refused.error)")
        #expect(refused.quarantined.sourceId == "99x")
        #expect(refused.quarantined.reason.hasPrefix("PostgreSQL refused the row in COPY (SQLSTATE 22P02)"), "\(refused.quarantined.reason)")
        let stored = try connection.execute("SELECT count(*), count(DISTINCT id) FROM \(staging)").rows.first ?? []
        #expect(stored == ["7", "7"], "every good line once")
    }

    @Test("a COPY without a bad value is one COPY, nothing refused")
    func cleanCopy() throws {
        let connection = try TestDatabase.connect()
        defer { connection.close() }
        let staging = "pg_temp.staging_copy_clean"
        _ = try connection.execute(MergeStatement.createStaging(named: staging))
        var bytes: [UInt8] = []
        for id in Int64(1)...3 { CustomerColumns.encode(try WindowMergeTests.row(id, updated: "03"), to: &bytes) }
        let copied = try StagingCopy.copyBisecting([bytes], into: staging, on: connection)
        #expect(copied.rows == 3 && copied.refused.isEmpty)
    }
}
