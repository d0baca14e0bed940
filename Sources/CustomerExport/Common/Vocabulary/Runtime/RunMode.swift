/// Whether a run fills a historical range once or follows changes night after night.
package enum RunMode: String, Sendable, Codable, CaseIterable {
    /// `createdAt` windows over a fixed range.
    case backfill
    /// `updatedAt` windows from the stored watermark; the watermark advances when all are done.
    case incremental
    /// `createdAt` windows over a fixed range, like a backfill, that also marks rows the API no
    /// longer returns with `deleted_at` (the API has no tombstones). Never skipped as "done":
    /// each reconcile is a new look at the source.
    case reconcile
}
