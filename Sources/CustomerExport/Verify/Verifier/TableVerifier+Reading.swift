import Dispatch
import LibPQ
import Synchronization
import CustomerExportCommon
import CustomerExportExtract
import CustomerExportRun

extension TableVerifier {
    /// Reads `windows` in full, several at once under one request limiter, each compared with
    /// the table as it completes; the outcomes in the order given. A request the API refuses
    /// stops the verify with its sentence, and an interrupt with the "interrupted" code.
    ///
    /// Each window is read in pieces of about four rounds of parallel requests (`pieces`): a
    /// piece read that quickly is rarely moved by live deletions, so it reads consistently where
    /// a whole window of 20,000 rows under dozens of changes a second would not. A piece still
    /// moving after a second read is not re-read further: what its reads lacked is looked up by
    /// id instead (`WindowChecker.unsettled`), which a deletion cannot move.
    package func read(
        _ windows: [CountedWindow], range: ResolvedRange, client: CustomersAPIClient, changedAfter: Timestamp, connection: PostgresConnection
    ) throws(ExportError) -> [WindowChecker.Outcome] {
        let run = request.run
        let comparison = WindowComparison(
            target: run.target, filter: TableFilter(filters: run.api.filters), rangeEnd: range.to, startedAt: changedAfter)
        let settings = run.reading.forComparison
        let scope = RecordScope(filters: run.api.filters, rangeEnd: range.to)
        let fatal = Mutex<ExtractError?>(nil)
        let cancellation = self.cancellation
        let events = WindowReadEvents(
            fatal: { error in
                fatal.withLock { if $0 == nil { $0 = error } }
                cancellation.cancel("the API rejected a request")
            },
            reread: { [logger] window, totals, entries in
                logger.info("window changed while read; reading it again", metadata: [
                    "window": "\(window.from) – \(window.to)", "totals": "\(totals.map(String.init).joined(separator: ","))", "entries": "\(entries)",
                ])
            })
        let requests = RequestLimiter(limit: run.concurrency)
        let evidence = pipeline.sourceEvidence
        let windowSlots = RequestLimiter(limit: run.concurrency, label: "customer-export.verify-windows")
        let outcomes = Mutex([WindowChecker.Outcome](repeating: .init(), count: windows.count))
        let group = DispatchGroup()
        let pieceRows = run.api.pageLimit * run.concurrency * 4
        let pieces = windows.map { Self.pieces(of: $0.window, rows: max($0.apiTotal ?? 0, $0.tableRows), pieceRows: pieceRows) }
        // Every piece's live rows, so that comparing a piece needs no scan of its own unless rows
        // are left over (`WindowComparison`): a window read whole was counted already, and the
        // pieces of the others are counted in one pass over the table.
        var rowsPerPiece: [TimeWindow: Int] = [:]
        for (counted, pieces) in zip(windows, pieces) where pieces.count == 1 { rowsPerPiece[counted.window] = counted.tableRows }
        let cut = pieces.filter { $0.count > 1 }.flatMap { $0 }
        do throws(PostgresError) {
            let counts = try TableWindowCounts(target: run.target, filter: TableFilter(filters: run.api.filters), rangeEnd: range.to).counts(cut, on: connection)
            rowsPerPiece.merge(zip(cut, counts), uniquingKeysWith: { first, _ in first })
        } catch {
            throw DatabaseSession.describe(error, connectionString: run.databaseURL)
        }
        for (index, pieces) in pieces.enumerated() {
            guard !cancellation.isCancelled else { break }
            windowSlots.submit(group: group, priority: index) { [databaseURL = run.databaseURL, normalizer = run.normalizer, onWindowRead, rowsPerPiece] in
                let checker = WindowChecker(
                    databaseURL: databaseURL, comparison: comparison, normalizer: normalizer, lookup: IdLookup(client: client), scope: scope,
                    tableRows: rowsPerPiece)
                let reader = WindowReader(client: client, limiter: requests, sink: checker, settings: settings, events: events, evidence: evidence)
                for piece in pieces where !cancellation.isCancelled {
                    _ = reader.read(piece, priority: index)
                }
                let outcome = checker.finish()
                outcomes.withLock { $0[index] = outcome }
                onWindowRead?(outcome.records)
            }
        }
        group.wait()
        if let error = fatal.withLock({ $0 }) { throw ExportPipeline.describe(error, api: run.api) }
        let results = outcomes.withLock { $0 }
        if cancellation.isCancelled || results.contains(where: \.abandoned) {
            throw .interrupted("verify interrupted before it read every window; it wrote nothing, run it again")
        }
        return results
    }

    /// `window` cut into slices of equal time holding about `pieceRows` rows each, by its count.
    /// Slices share their bounds, as windows do, so a record on one is read and compared twice;
    /// bounds fall on arbitrary microseconds, where records rarely sit.
    package static func pieces(of window: TimeWindow, rows: Int, pieceRows: Int) -> [TimeWindow] {
        let count = max(1, (rows + pieceRows - 1) / max(1, pieceRows))
        let span = window.to.nanosecondsSinceEpoch - window.from.nanosecondsSinceEpoch
        guard count > 1, span / Int64(count) >= Timestamp.nanosecondsPerMicrosecond else { return [window] }
        return WindowPlanner(field: window.field, size: TimeSpan(nanoseconds: span / Int64(count) + 1)).windows(from: window.from, to: window.to)
    }
}
