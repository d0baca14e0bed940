import ArgumentParser
import CustomerExport

/// `customer-export backfill`: one-off export of a `createdAt` range.
struct Backfill: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export every customer created in a date range.",
        discussion: """
            The range is [--from, --to): a date alone means midnight UTC, so --from 2024-01-01 --to 2025-01-01 \
            is exactly the year 2024. The range is cut into --window slices read in parallel; each slice \
            commits with its checkpoint, so running the same command again after a failure or a kill resumes \
            where it stopped, and running it after success changes nothing (use --restart to read it again).

            Examples:
              CUSTOMERS_API_TOKEN=... customer-export backfill --from 2024-01-01 --to 2024-07-01 \\
                --api-url http://127.0.0.1:8080 --database-url postgresql://export@127.0.0.1/export
              customer-export backfill --from 2024-01-01 --to 2025-01-01 --operator-id 1001 --type business --type fleet
            """
    )

    @OptionGroup var range: RangeOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var tuning: TuningOptions
    @OptionGroup var filters: FilterOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try range.perform(.backfill, connection: connection, tuning: tuning, filters: filters, output: output)
    }
}

/// `customer-export reconcile`: find customers the API no longer returns.
struct Reconcile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mark rows whose customers the API no longer returns (deleted_at), and refresh the rest.",
        discussion: """
            The API has no tombstones, so deletions are found by listing every window of the range again \
            (largest page size, in parallel) and comparing ids. Rows missing from a consistent read of their \
            window get deleted_at = now(); nothing is ever hard-deleted, and a customer that reappears has \
            deleted_at cleared. Newer versions met on the way are merged as in a backfill.

            Example:
              customer-export reconcile --from 2023-01-01 --to 2026-01-01 --api-url http://127.0.0.1:8080
            """
    )

    @OptionGroup var range: RangeOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var tuning: TuningOptions
    @OptionGroup var filters: FilterOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try range.perform(.reconcile, connection: connection, tuning: tuning, filters: filters, output: output)
    }
}
