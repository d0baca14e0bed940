/// What one page contributed to its window.
struct PageContribution: Sendable {
    var entries = 0
    var kept = 0
    var duplicates = 0
    var stale = 0
    var quarantined = 0
    var outsideRange = 0
}

/// Runs the per-page part of the pipeline on the fetching thread: normalize → dedupe → encode as
/// COPY text → hand to the loader. Doing this on the many fetching threads (not the one loader
/// thread) spreads JSON and encoding work over every core.
struct PageProcessor: Sendable {
    let normalizer: any RecordNormalizing
    let sink: LoadRouter
    let excludeFrom: Timestamp?

    /// Returns nil when the loader has stopped (the run is ending).
    func process(_ page: FetchedPage, window: TimeWindow, dedupe: any Deduplicating) -> PageContribution? {
        var contribution = PageContribution()
        contribution.entries = page.body.records.count
        var rows: [CustomerRow] = []
        rows.reserveCapacity(page.body.records.count)
        var quarantined: [QuarantinedRecord] = []
        for record in normalizer.normalize(page: page.body) {
            switch record {
            case let .row(row):
                let key = window.field == .createdAt ? row.createdAt : row.updatedAt
                if let excludeFrom, key >= excludeFrom {
                    contribution.outsideRange += 1
                } else {
                    rows.append(row)
                }
            case let .quarantined(entry):
                quarantined.append(entry)
            }
        }
        let deduped = dedupe.admit(rows)
        contribution.kept = deduped.kept.count
        contribution.duplicates = deduped.duplicates
        contribution.stale = deduped.stale
        contribution.quarantined = quarantined.count
        if !quarantined.isEmpty, !sink.send(.quarantine(window, quarantined)) { return nil }
        if !deduped.kept.isEmpty {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(page.body.bytes.count + deduped.kept.count * 256)
            for row in deduped.kept { CopyRowEncoder.append(row, to: &bytes) }
            if !sink.send(.stage(window, copyRows: bytes, rowCount: deduped.kept.count)) { return nil }
        }
        return contribution
    }
}
