import Foundation
import LibPQ
import Logging
import CustomerExportCommon
import CustomerExportExtract
import CustomerExportLoad
import CustomerExportState
import CustomerExportConfiguration
import CustomerExportRun

/// `customer-export quarantine retry`: fetches quarantined records again once the source has
/// been fixed, merges the ones that are valid now and re-quarantines the rest with their new
/// reason.
///
/// The records are asked for by id (`customerIds`, a page of ids per request, paged like any
/// window), through the API settings stored with the run that quarantined them (so the same
/// path, header, page size and token source), flags overriding. A record without an integer id
/// cannot be asked for and stays as it is; so does one the API no longer returns. Each batch of
/// ids commits in one transaction: merged rows and the quarantine's new state together.
///
/// ```swift
/// let report = try QuarantineRetry(databaseURL: url, state: state, selection: .init(reason: "createdAt"),
///                                   overrides: RunOverrides(), environment: env).run()
/// ```
package struct QuarantineRetry {
    /// What a retry did, printed by the command (and as JSON with `--json`).
    package struct Report: Sendable, Codable, Equatable {
        package var selected = 0
        /// Entries without an integer id: the API cannot be asked for them.
        package var notFetchable = 0
        /// Ids the API did not return (deleted in the source, or outside the token's scope).
        package var notReturned = 0
        package var merged = 0
        package var inserted = 0
        package var updated = 0
        package var stillQuarantined = 0
        /// The reasons of the records that are still invalid, with counts.
        package var newReasons: [String: Int] = [:]
    }

    package let databaseURL: String
    package let state: StateSchema
    package let selection: QuarantineSelection
    package let overrides: RunOverrides
    package let environment: [String: String]
    package var transport: (any HTTPTransport)?
    package var logger = Logger(label: "customer-export")

    package init(databaseURL: String, state: StateSchema, selection: QuarantineSelection, overrides: RunOverrides, environment: [String: String]) {
        self.databaseURL = databaseURL
        self.state = state
        self.selection = selection
        self.overrides = overrides
        self.environment = environment
    }

    /// Ids per request: short enough for any URL length limit, whatever the page size.
    package static let idsPerRequest = 100

    package func run() throws(ExportError) -> Report {
        let connection = try DatabaseSession.connect(databaseURL)
        defer { connection.close() }
        let store = StateStore(schema: state, connection: connection)
        let entries: [QuarantineEntry]
        do {
            entries = try store.quarantineEntries(selection)
        } catch {
            throw DatabaseSession.describe(error, connectionString: databaseURL)
        }
        var report = Report(selected: entries.count)
        for (target, group) in Dictionary(grouping: entries, by: \.target).sorted(by: { $0.key < $1.key }) {
            let request = try runRequest(for: target, group, store: store)
            let fetchable = group.filter { $0.sourceId.flatMap { Int64($0) } != nil }
            report.notFetchable += group.count - fetchable.count
            let transport: any HTTPTransport
            if let injected = self.transport { transport = injected } else { transport = try ExportPipeline.makeTransport(for: request.api, maxConnections: 2) }
            defer { if self.transport == nil { transport.shutdown() } }
            let byID = Dictionary(grouping: fetchable, by: { Int64($0.sourceId ?? "") ?? 0 })
            let ids = byID.keys.sorted()
            for start in stride(from: 0, to: ids.count, by: Self.idsPerRequest) {
                let chunk = Array(ids[start..<min(start + Self.idsPerRequest, ids.count)])
                let records = try fetch(chunk, request: request, transport: transport)
                try commit(records, asked: chunk, entries: byID, request: request, runId: group.compactMap(\.runId).max() ?? 0,
                           connection: connection, report: &report)
            }
        }
        return report
    }

    /// The request the records are fetched and merged with: the stored parameters of the
    /// newest run that quarantined one of them, with the flags' overrides.
    private func runRequest(for target: String, _ group: [QuarantineEntry], store: StateStore) throws(ExportError) -> RunRequest {
        let runs = Set(group.compactMap(\.runId)).sorted(by: >)
        for runId in runs {
            if let request = try RunSettings.request(forRun: runId, store: store, overrides: overrides, environment: environment, databaseURL: databaseURL) {
                return request
            }
        }
        throw .configuration("no run with stored API settings quarantined the records of \(target); run a backfill with this version first, or select other records")
    }

    /// Every record the API returns for `ids`, normalized, page after page.
    private func fetch(_ ids: [Int64], request: RunRequest, transport: any HTTPTransport) throws(ExportError) -> [NormalizedRecord] {
        var api = request.api
        api.filters = CustomerFilters(customerIds: ids)
        let client = CustomersAPIClient(configuration: api, transport: transport, stats: RequestStats(), cancellation: CancellationToken())
        let allTime = TimeWindow(field: .createdAt, from: Timestamp(nanosecondsSinceEpoch: 0), to: Self.endOfTime)
        let pages: [FetchedPage]
        do {
            pages = try client.fetchAll(in: allTime, limit: api.pageLimit, maxEntries: ids.count * 4)
        } catch {
            throw ExportPipeline.describe(error, api: api)
        }
        // Only the ids asked for: a server that ignores customerIds must not merge anything else.
        let scope = RecordScope(filters: api.filters, rangeEnd: nil)
        let asked = Set(ids)
        return pages.flatMap { request.normalizer.normalize(page: $0.body) }.filter { record in
            switch record {
            case let .row(row): return scope.violation(of: row, in: allTime) == nil
            case let .quarantined(entry): return entry.sourceId.flatMap { Int64($0) }.map(asked.contains) ?? true
            }
        }
    }

    /// 2200-01-01: an upper bound no record reaches, so the window filters nothing.
    package static let endOfTime = Timestamp(nanosecondsSinceEpoch: 7_258_118_400 * 1_000_000_000)

    /// Merges the valid records and replaces the entries of every id the API returned, in one
    /// transaction.
    private func commit(
        _ records: [NormalizedRecord], asked: [Int64], entries: [Int64: [QuarantineEntry]], request: RunRequest, runId: Int64,
        connection: PostgresConnection, report: inout Report
    ) throws(ExportError) {
        var rows: [CustomerRow] = []
        var invalid: [QuarantinedRecord] = []
        for record in records {
            switch record {
            case let .row(row): rows.append(row)
            case let .quarantined(entry): invalid.append(entry)
            }
        }
        let returned = Set(rows.map(\.id) + invalid.compactMap { $0.sourceId.flatMap { Int64($0) } })
        report.notReturned += asked.filter { !returned.contains($0) }.count
        report.stillQuarantined += invalid.count
        for entry in invalid { report.newReasons[entry.reason, default: 0] += 1 }
        let replaced = returned.flatMap { entries[$0] ?? [] }.map(\.id)
        let batch = RetriedBatch(rows: rows, invalid: invalid, replaced: replaced, runId: runId, target: request.target)
        do {
            do {
                report = try batch.commit(inParts: false, state: state, on: connection, report: report)
            } catch where PartedMerge.canHelp(with: error, stopping: false) {
                report = try batch.commit(inParts: true, state: state, on: connection, report: report)
            }
        } catch {
            throw DatabaseSession.describe(error, connectionString: databaseURL)
        }
    }
}

/// The records one `quarantine retry` fetched again, and how they reach the target: through
/// Load's staging COPY and merge, in one transaction with the quarantine entries they replace.
package struct RetriedBatch {
    package let rows: [CustomerRow]
    package let invalid: [QuarantinedRecord]
    /// The quarantine entries of every id the API returned.
    package let replaced: [Int64]
    package let runId: Int64
    package let target: TargetTable

    /// Merges the valid rows and replaces the entries; `inParts` merges by ranges of ids and
    /// keeps the rows the target refuses (a CHECK, a trigger) quarantined with its reason.
    package func commit(inParts: Bool, state: StateSchema, on connection: PostgresConnection, report: QuarantineRetry.Report) throws(PostgresError) -> QuarantineRetry.Report {
        var report = report
        let store = StateStore(schema: state, connection: connection)
        try connection.transaction { () throws(PostgresError) in
            var stillInvalid = invalid
            let allTime = TimeWindow(field: .createdAt, from: Timestamp(nanosecondsSinceEpoch: 0), to: QuarantineRetry.endOfTime)
            if !rows.isEmpty {
                // The batch is a load of its own, so downstream jobs see what it changed.
                let pipeline = try store.pipelineAndTarget(ofRun: runId)?.pipeline ?? StateStore.retryMode
                let loadId = try store.beginRetryLoad(pipeline: pipeline, target: target, window: allTime)
                let (merged, refused) = try StagingTable.merge(rows, into: target, inParts: inParts, loadId: loadId, on: connection)
                try store.finishRetryLoad(loadId, inserted: merged.inserted, updated: merged.updated)
                stillInvalid += refused
                report.stillQuarantined += refused.count
                for entry in refused { report.newReasons[entry.reason, default: 0] += 1 }
                report.inserted += merged.inserted
                report.updated += merged.updated
                report.merged += Set(rows.map(\.id)).count - (stillInvalid.count - invalid.count)
            }
            try store.deleteQuarantine(ids: replaced)
            try store.recordQuarantine(runId: runId, window: allTime, target: target, stillInvalid)
        }
        return report
    }
}
