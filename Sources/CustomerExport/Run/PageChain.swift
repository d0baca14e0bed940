import CustomerExportCommon
import CustomerExportExtract
import CustomerExportNormalize
import CustomerExportDedupe
import CustomerExportLoad

/// The per-page part of the pipeline, run on the fetching threads: the window's intake
/// (normalize → scope → dedupe, shared with verify) → encode as COPY text → hand to the
/// window's loader. It is the sink `WindowReader` delivers to, so
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
        WindowPages(router: router, intake: WindowIntake(window: window, normalizer: normalizer, scope: scope))
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

    /// One window's pages, sharing the window's intake (and so its dedupe state) across reads
    /// and threads.
    package struct WindowPages: PageReceiver {
        package let router: LoadRouter
        package let intake: WindowIntake

        package func receive(_ page: FetchedPage) -> ReadCounts? {
            let taken = intake.take(page)
            let window = intake.window
            if !taken.quarantined.isEmpty, !router.send(.quarantine(window, taken.quarantined)) { return nil }
            if !taken.kept.isEmpty {
                var bytes: [UInt8] = []
                bytes.reserveCapacity(page.body.bytes.count + taken.kept.count * 256)
                for row in taken.kept { CustomerColumns.encode(row, to: &bytes) }
                if !router.send(.stage(window, copyRows: bytes, rowCount: taken.kept.count)) { return nil }
            }
            return taken.counts
        }
    }
}
