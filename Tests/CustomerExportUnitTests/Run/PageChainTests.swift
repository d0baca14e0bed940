import Foundation
import Testing
@testable import CustomerExport

/// The per-page part of a run (`PageChain`): one page normalized, scoped to its window, deduped
/// against the window's earlier pages, encoded as COPY text and handed to the window's loader.
/// No network, no database: the loader's channel is read directly.
@Suite("Run: one page through the page chain")
struct PageChainTests {
    static let window = TimeWindow(
        field: .createdAt, from: Timestamp(rfc3339: "2024-01-01T00:00:00Z")!, to: Timestamp(rfc3339: "2024-01-31T23:59:59Z")!)

    static func record(_ id: Int, created: String = "2024-01-10T00:00:00Z", updated: String = "2024-01-11T00:00:00Z", type: String = "business") -> String {
        #"{"id": \#(id), "name": "c\#(id)", "type": "\#(type)", "createdAt": "\#(created)", "updatedAt": "\#(updated)"}"#
    }

    static func page(_ records: [String], offset: Int = 0) throws -> FetchedPage {
        let text = #"{"data": ["# + records.joined(separator: ",") + #"], "meta": {"total": 100}}"#
        return FetchedPage(
            request: PageRequest(window: window, offset: offset, limit: 200), body: try PageBody(bytes: Array(text.utf8), envelope: .dataMeta), attempts: 1)
    }

    /// A chain for one loader, scoped to `filters` and a range ending at `rangeEnd`.
    static func chain(filters: CustomerFilters = CustomerFilters(), rangeEnd: String = "2024-02-01T00:00:00Z") throws -> PageChain {
        PageChain(
            normalizer: CustomerNormalizer(), router: LoadRouter(loaders: 1, capacityPerLoader: 16),
            scope: RecordScope(filters: filters, rangeEnd: Timestamp(rfc3339: rangeEnd)))
    }

    @Test("every record is counted once: kept rows are staged as COPY text, a bad record is quarantined, others counted by what they break")
    func countsAddUp() throws {
        let chain = try Self.chain(filters: { var f = CustomerFilters(); f.types = ["business"]; return f }())
        let receiver = chain.open(Self.window)
        let page = try Self.page([
            Self.record(1), Self.record(2),
            Self.record(3, created: "2023-12-31T23:59:59Z"),  // before the window
            Self.record(4, type: "fleet"),  // not a type asked for
            #"{"id": 5, "name": "no timestamps"}"#,  // quarantined
        ])
        let counts = try #require(receiver.receive(page))
        #expect(counts.pages == 1)
        #expect(counts.rowsFetched == 5)
        #expect(counts.rowsKept == 2)
        #expect(counts.quarantined == 1)
        #expect(counts.outsideRange == 2)
        #expect(counts.outside.beforeWindow == 1)
        #expect(counts.outside.types == 1)
        #expect(counts.rowsKept + counts.quarantined + counts.outsideRange + counts.duplicates + counts.stale == counts.rowsFetched)

        let events = chain.router.channels[0].receive(upTo: 10)
        #expect(events.count == 2)
        guard case let .quarantine(quarantinedWindow, entries) = events.first else { Issue.record("first event: \(events)"); return }
        #expect(quarantinedWindow == Self.window)
        #expect(entries.map(\.sourceId) == ["5"])
        guard case let .stage(stagedWindow, bytes, rowCount) = events.last else { Issue.record("last event: \(events)"); return }
        #expect(stagedWindow == Self.window)
        #expect(rowCount == 2)
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.map { $0.prefix(while: { $0 != "\t" }) } == ["1", "2"])
    }

    @Test("a window's later pages are deduped against its earlier ones: the same version is a duplicate, an older one stale, a newer one kept")
    func dedupeAcrossPages() throws {
        let chain = try Self.chain()
        let receiver = chain.open(Self.window)
        _ = try #require(receiver.receive(try Self.page([Self.record(1, updated: "2024-01-15T00:00:00Z"), Self.record(2)])))
        let again = try #require(receiver.receive(try Self.page([
            Self.record(1, updated: "2024-01-15T00:00:00Z"),  // the same version
            Self.record(2, updated: "2024-01-10T12:00:00Z"),  // older than the kept one
            Self.record(3),
        ], offset: 2)))
        #expect(again.duplicates == 1)
        #expect(again.stale == 1)
        #expect(again.rowsKept == 1)
        // Another window starts with nothing seen.
        let other = chain.open(TimeWindow(field: .createdAt, from: Self.window.from, to: Self.window.to.adding(nanoseconds: 1)))
        let fresh = try #require(other.receive(try Self.page([Self.record(1, updated: "2024-01-15T00:00:00Z")])))
        #expect(fresh.rowsKept == 1)
    }

    @Test("a record at or after the run's end is never loaded, even inside the window's inclusive bound")
    func rangeEndIsExclusive() throws {
        let chain = try Self.chain(rangeEnd: "2024-01-20T00:00:00Z")
        let counts = try #require(chain.open(Self.window).receive(try Self.page([
            Self.record(1, created: "2024-01-19T23:59:59Z", updated: "2024-01-21T00:00:00Z"), Self.record(2, created: "2024-01-20T00:00:00Z", updated: "2024-01-21T00:00:00Z"),
        ])))
        #expect(counts.rowsKept == 1)
        #expect(counts.outside.atRangeEnd == 1)
    }

    @Test("a loader that stopped takes nothing more: the page is refused, not counted as loaded")
    func abandonedLoader() throws {
        let chain = try Self.chain()
        chain.router.abandon()
        #expect(chain.open(Self.window).receive(try Self.page([Self.record(1)])) == nil)
    }
}
