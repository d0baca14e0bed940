import Foundation
import LibPQ
import CustomerExportCommon
import CustomerExportState
import CustomerExportConfiguration

/// The range a run reads, once "now", the lag and (for incremental runs) the watermark are known.
package struct ResolvedRange: Sendable {
    package var from: Timestamp
    package var to: Timestamp
    /// Incremental runs: the watermark stored when every window of the run is done.
    package var watermarkOnCompletion: Timestamp?
}

/// Turns a request into a concrete `[from, to)`.
///
/// Backfills end at `min(to, now − lag)`: a window that ends in the past can only lose records
/// while it is read (new customers are stamped now), which is what makes drift detectable.
/// Incremental runs read `updatedAt` from `watermark − lookback` (late writes) to `now − lag`.
package struct RangeResolver {
    package let request: RunRequest
    package let now: Timestamp

    package init(request: RunRequest, now: Timestamp) {
        self.request = request
        self.now = now
    }

    private var ceiling: Timestamp { now.adding(nanoseconds: -request.lag.nanoseconds).truncatedToMicroseconds }

    /// The range of a backfill or reconcile, which needs no stored state.
    package func resolveFixedRange() throws(ExportError) -> ResolvedRange {
        guard let from = request.from, let to = request.to else {
            throw .configuration("a \(request.mode.rawValue) needs --from and --to, e.g. --from 2024-01-01 --to 2025-01-01")
        }
        return ResolvedRange(from: from, to: min(to, max(from, ceiling)), watermarkOnCompletion: nil)
    }

    package func resolve(_ connection: PostgresConnection) throws(ExportError) -> ResolvedRange {
        switch request.mode {
        case .backfill, .reconcile:
            return try resolveFixedRange()
        case .incremental:
            let stored = try storedWatermark(connection)
            let from: Timestamp
            if let stored {
                from = stored.adding(nanoseconds: -request.lookback.nanoseconds)
            } else if let start = request.start {
                from = start
            } else {
                throw .configuration("pipeline \"\(request.pipeline)\" has no watermark yet and no start date; set `start:` in the pipeline file or pass --start DATE for its first run")
            }
            return ResolvedRange(from: from, to: max(from, ceiling), watermarkOnCompletion: max(from, ceiling))
        }
    }

    /// The stored watermark; none when the state tables do not exist yet (a first run).
    private func storedWatermark(_ connection: PostgresConnection) throws(ExportError) -> Timestamp? {
        do {
            return try StateStore(schema: request.state, connection: connection).watermark(pipeline: request.pipeline, target: request.target)
        } catch where SQLState.isMissingObject(error.sqlState) {
            return nil
        } catch {
            throw DatabaseSession.describe(error, connectionString: request.databaseURL)
        }
    }
}
