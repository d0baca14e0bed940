/// What the generator needs to know; derived from ``SimulatorOptions`` and the wall clock.
struct GenerationParameters: Sendable {
    /// Valid customers.
    var customers: Int
    /// Invalid records on top of the customers.
    var poison: Int
    /// Records whose bytes are hostile (`--hostile`), on top of the customers and the poison.
    var hostile: Int
    /// `huge-record` records (`--huge-records`) and the length of their names.
    var hugeRecords: Int
    var hugeRecordBytes: Int
    /// Share of the customers created by large bulk imports (see `SimulatorOptions.bulkShare`).
    var bulkShare: Double
    var seed: UInt64
    /// `createdAt` is drawn from this range.
    var createdRange: Range<Instant>
    /// No generated `updatedAt` is later than this: the earlier of the range's end and "now",
    /// so that the data never claims a future edit and stays the same from run to run.
    var updatedBound: Instant

    init(options: SimulatorOptions, now: Instant) {
        customers = options.customers
        poison = options.poison
        hostile = options.hostile
        hugeRecords = options.hugeRecords
        hugeRecordBytes = options.hugeRecordBytes
        bulkShare = options.bulkShare
        seed = options.seed
        createdRange = options.createdAtRange
        updatedBound = min(createdRange.upperBound, now)
    }
}
