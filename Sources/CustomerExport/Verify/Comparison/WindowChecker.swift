import LibPQ
import Synchronization
import CustomerExportCommon
import CustomerExportExtract
import CustomerExportNormalize
import CustomerExportRun

/// The sink `WindowReader` delivers a verify window's pages to: it takes them through the
/// run's own `WindowIntake` (normalize, scope, dedupe), and compares each window with the
/// table as soon as the reader is done with it (consistently, or unsettled after its reads),
/// then forgets its records.
///
/// The reader splits a window over the row limit into halves and completes each on its own, so
/// memory holds at most one half's ids and instants at a time, however large the window the
/// counts put forward. The comparison runs on the reader's thread, over a connection this
/// checker opens on its first comparison and closes in `finish()`.
package final class WindowChecker: WindowSink {
    /// What checking the window found, once the reader is done with it.
    package struct Outcome: Sendable {
        package var differences = WindowDifferences()
        /// Why (part of) the window could not be checked.
        package var problem: String?
        package var abandoned = false
        /// Records delivered, re-reads included.
        package var records = 0
        /// The API's total when the window was read consistently (its halves' added up); nil
        /// without one.
        package var readTotal: Int? = 0
        /// Distinct records a window's failed read held when it gave up: what it could account
        /// for, against the API's count.
        package var accountedWhenFailed = 0

        package init() {}
    }

    /// A window being read: its intake (the run's path for a page) and what it kept so far.
    private struct OpenWindow: Sendable {
        let intake: WindowIntake
        var records = WindowRecords()
    }

    private struct Progress: Sendable {
        var open: [TimeWindow: OpenWindow] = [:]
        var outcome = Outcome()
    }

    private let progress = Mutex(Progress())
    /// Mutex-held so the checker can be shared with the reader's threads; only the checks of
    /// finished windows (`complete`, `unsettled`) use it, one window at a time.
    private let connection = Mutex<PostgresConnection?>(nil)
    private let databaseURL: String
    private let comparison: WindowComparison
    private let normalizer: CustomerNormalizer
    private let lookup: IdLookup
    /// The run's rule for what belongs to a window, applied to verify's reads as to a run's.
    private let scope: RecordScope
    /// The table's live rows of each piece, counted before the reads.
    private let tableRows: [TimeWindow: Int]

    /// Extra rows of an unsettled read looked up by id, at most: past it they stay extra (a table
    /// that many rows ahead of the API differs whatever a lookup would say of them).
    package static let lookupLimit = 10_000

    package init(
        databaseURL: String, comparison: WindowComparison, normalizer: CustomerNormalizer, lookup: IdLookup, scope: RecordScope,
        tableRows: [TimeWindow: Int] = [:]
    ) {
        self.scope = scope
        self.databaseURL = databaseURL
        self.comparison = comparison
        self.normalizer = normalizer
        self.lookup = lookup
        self.tableRows = tableRows
    }

    package func open(_ window: TimeWindow) -> any PageReceiver {
        let intake = WindowIntake(window: window, normalizer: normalizer, scope: scope)
        progress.withLock { $0.open[window] = OpenWindow(intake: intake) }
        return Receiver(owner: self, intake: intake)
    }

    package func split(_ parent: TimeWindow, into halves: [TimeWindow]) {
        progress.withLock { _ = $0.open.removeValue(forKey: parent) }
    }

    package func complete(_ window: TimeWindow, _ read: WindowReadSummary) -> Bool {
        check(window, read, settled: true)
        return true
    }

    /// A read that never settled may have skipped rows the table holds: the rows it calls extra
    /// are asked for by id before they are counted.
    package func unsettled(_ window: TimeWindow, _ read: WindowReadSummary, reason: String) {
        check(window, read, settled: false)
    }

    private func check(_ window: TimeWindow, _ read: WindowReadSummary, settled: Bool) {
        guard var open = progress.withLock({ progress in
            progress.outcome.readTotal = read.apiTotal.flatMap { total in progress.outcome.readTotal.map { $0 + total } }
            return progress.open.removeValue(forKey: window)
        }) else { return }
        do throws(ExportError) {
            var found = try compare(window, open.records, extraIds: settled ? WindowDifferences.exampleLimit : Self.lookupLimit)
            if !settled, !found.extraIds.isEmpty {
                let pages: [FetchedPage]
                do throws(ExtractError) {
                    pages = try lookup.pages(for: found.extraIds, in: window)
                } catch {
                    throw .incomplete("could not look up the rows a moving window's read lacked: \(error)")
                }
                for page in pages { open.records.add(page, through: open.intake) }
                found = try compare(window, open.records, extraIds: WindowDifferences.exampleLimit)
            }
            let differences = found.differences
            progress.withLock { progress in
                let previous = progress.outcome.differences
                progress.outcome.differences += differences
                progress.outcome.differences.examples = previous.examples.merging(differences.examples) { Array(($0 + $1).sorted().prefix(WindowDifferences.exampleLimit)) }
            }
        } catch {
            progress.withLock { $0.outcome.problem = $0.outcome.problem ?? error.message }
        }
    }

    package func fail(_ window: TimeWindow, _ read: WindowReadSummary, reason: String) {
        progress.withLock { progress in
            if let records = progress.open.removeValue(forKey: window)?.records {
                progress.outcome.accountedWhenFailed += records.records.count + records.rejectedIds.count + records.unidentified
            }
            progress.outcome.problem = progress.outcome.problem ?? reason
        }
    }

    package func abandon(_ window: TimeWindow) {
        progress.withLock { progress in
            progress.open.removeValue(forKey: window)
            progress.outcome.abandoned = true
        }
    }

    /// Closes the connection and returns what the window's checks found.
    package func finish() -> Outcome {
        connection.withLock { connection in
            connection?.close()
            connection = nil
        }
        return progress.withLock { $0.outcome }
    }

    private func compare(_ window: TimeWindow, _ records: WindowRecords, extraIds: Int) throws(ExportError) -> (differences: WindowDifferences, extraIds: [Int64]) {
        try connection.withLock { (connection: inout PostgresConnection?) throws(ExportError) -> (differences: WindowDifferences, extraIds: [Int64]) in
            if connection == nil { connection = try DatabaseSession.connect(databaseURL) }
            do throws(PostgresError) {
                return try comparison.compare(window, records, tableRows: tableRows[window], extraIds: extraIds, on: connection!)
            } catch {
                connection?.close()
                connection = nil
                throw DatabaseSession.describe(error, connectionString: databaseURL)
            }
        }
    }

    private func receive(_ page: FetchedPage, through intake: WindowIntake) -> ReadCounts {
        let taken = intake.take(page)
        let counts = taken.counts
        progress.withLock { progress in
            progress.outcome.records += counts.rowsFetched
            progress.open[intake.window]?.records.add(kept: taken.kept, quarantined: taken.quarantined)
        }
        return counts
    }

    private struct Receiver: PageReceiver {
        let owner: WindowChecker
        let intake: WindowIntake
        func receive(_ page: FetchedPage) -> ReadCounts? { owner.receive(page, through: intake) }
    }
}
