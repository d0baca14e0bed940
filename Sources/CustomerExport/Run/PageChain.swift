import CustomerExportCommon
import CustomerExportExtract
import CustomerExportNormalize
import CustomerExportDedupe
import CustomerExportLoad

/// The per-page part of the pipeline, run on the fetching threads: normalize → dedupe → encode
/// as COPY text → hand to the window's loader. It is the sink `WindowReader` delivers to, so
/// Extract never names a later stage. Doing this work on the many fetching threads (not the
/// few loader threads) spreads JSON and encoding work over every core.
package struct PageChain: WindowSink {
    package let normalizer: CustomerNormalizer
    package let router: LoadRouter
    /// What a record must be to load with its window: inside the window's bounds, before the
    /// run's exclusive end (`--to`, which the API's inclusive bound returns) and matching the
    /// run's filters. Others are counted by what they break, never loaded.
    package let scope: RecordScope

    package init(normalizer: CustomerNormalizer, router: LoadRouter, scope: RecordScope) {
        self.normalizer = normalizer
        self.router = router
        self.scope = scope
    }

    package func open(_ window: TimeWindow) -> any PageReceiver {
        WindowPages(chain: self, window: window, dedupe: WindowDeduplicator())
    }

    package func split(_ parent: TimeWindow, into halves: [TimeWindow]) {
        router.send(.split(parent: parent, children: halves))
    }

    package func complete(_ window: TimeWindow, _ read: WindowReadSummary) -> Bool {
        router.send(.complete(window, read))
    }

    package func fail(_ window: TimeWindow, _ read: WindowReadSummary, reason: String) {
        router.send(.fail(window, read, reason: reason))
    }

    package func abandon(_ window: TimeWindow) {
        router.send(.abandon(window))
    }

    /// One window's pages, sharing the window's dedupe state across reads and threads.
    package struct WindowPages: PageReceiver {
        package let chain: PageChain
        package let window: TimeWindow
        package let dedupe: WindowDeduplicator

        package func receive(_ page: FetchedPage) -> ExportCounts? {
            var counts = ExportCounts()
            counts.pages = 1
            counts.rowsFetched = page.body.entryCount
            var rows: [CustomerRow] = []
            rows.reserveCapacity(page.body.entryCount)
            var quarantined: [QuarantinedRecord] = []
            for record in chain.normalizer.normalize(page: page.body) {
                switch record {
                case let .row(row):
                    if let broken = chain.scope.violation(of: row, in: window) {
                        counts.outsideRange += 1
                        counts.outside[keyPath: broken] += 1
                    } else {
                        rows.append(row)
                    }
                case let .quarantined(entry):
                    quarantined.append(entry)
                }
            }
            let deduped = dedupe.admit(rows)
            counts.rowsKept = deduped.kept.count
            counts.duplicates = deduped.duplicates
            counts.stale = deduped.stale
            counts.quarantined = quarantined.count
            if !quarantined.isEmpty, !chain.router.send(.quarantine(window, quarantined)) { return nil }
            if !deduped.kept.isEmpty {
                var bytes: [UInt8] = []
                bytes.reserveCapacity(page.body.bytes.count + deduped.kept.count * 256)
                for row in deduped.kept { CustomerColumns.encode(row, to: &bytes) }
                if !chain.router.send(.stage(window, copyRows: bytes, rowCount: deduped.kept.count)) { return nil }
            }
            return counts
        }
    }
}
