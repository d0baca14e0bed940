import Synchronization
import CustomerExportCommon

/// What the dedupe stage did with one batch.
package struct DedupeResult: Sendable {
    /// Rows newer than anything seen for their id in this window: these go on to the load stage.
    package var kept: [CustomerRow]
    /// Rows identical in id and `updatedAt` to one already kept (window boundaries, retried pages).
    package var duplicates: Int
    /// Rows older than a version already kept: a late page must never overwrite newer data.
    package var stale: Int
}

/// Remembers, for one window, the newest `updatedAt` seen per id.
///
/// Pages of a window are fetched in parallel and may be read again after drift, so the same id
/// arrives several times. Keeping the newest version here removes most repeats before they cost
/// a COPY; the merge's `DISTINCT ON` and its `updated_at` guard settle the rest inside PostgreSQL.
/// Memory is one entry per id of the window, which the window's row limit bounds.
package final class WindowDeduplicator: Sendable {
    private let newestById = Mutex<[Int64: Int64]>([:])

    package init() {}

    package func admit(_ rows: [CustomerRow]) -> DedupeResult {
        newestById.withLock { newest in
            var result = DedupeResult(kept: [], duplicates: 0, stale: 0)
            result.kept.reserveCapacity(rows.count)
            for row in rows {
                let version = row.updatedAt.nanosecondsSinceEpoch
                if let seen = newest[row.id] {
                    if version == seen { result.duplicates += 1; continue }
                    if version < seen { result.stale += 1; continue }
                }
                newest[row.id] = version
                result.kept.append(row)
            }
            return result
        }
    }

    /// Distinct ids seen so far in the window (for diagnostics and tests; drift detection
    /// compares entries with the API's totals, not ids).
    package var distinctIds: Int {
        newestById.withLock { $0.count }
    }
}
