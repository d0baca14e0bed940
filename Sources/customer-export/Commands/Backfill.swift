import ArgumentParser
import CustomerExport
import Foundation

/// `customer-export backfill`: one-off export of a `createdAt` range.
struct Backfill: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export every customer created in a date range.",
        discussion: """
            The range is [--from, --to): a date alone means midnight UTC, so --from 2024-01-01 --to 2025-01-01 \
            is exactly the year 2024; a full RFC 3339 timestamp for --to includes that instant. The range is \
            cut into --window slices read in parallel; each slice commits with its checkpoint, so running the \
            same command again after a failure or a kill resumes where it stopped, and running it after \
            success changes nothing (use --restart to read the range again).

            Example:
              CUSTOMERS_API_TOKEN=... customer-export backfill --from 2024-01-01 --to 2024-07-01 \\
                --api-url http://127.0.0.1:8080 --database-url postgresql://export@127.0.0.1/export
            """
    )

    @Option(help: ArgumentHelp("Start of the range (inclusive): 2024-01-01 or 2024-01-01T00:00:00Z.", valueName: "date"))
    var from: String

    @Option(help: ArgumentHelp("End of the range (exclusive for a date alone).", valueName: "date"))
    var to: String

    @Option(help: ArgumentHelp("A pipeline file to take the API, database and tuning settings from; flags override it.", valueName: "file"))
    var pipeline: String?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var tuning: TuningOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard let start = Timestamp(dateOrTimestamp: from) else {
            throw ValidationError("--from \"\(from)\" is not a date (YYYY-MM-DD) or an RFC 3339 timestamp")
        }
        guard let end = Timestamp(dateOrTimestamp: to) else {
            throw ValidationError("--to \"\(to)\" is not a date (YYYY-MM-DD) or an RFC 3339 timestamp")
        }
        guard start < end else {
            throw ValidationError("--from \(from) must be before --to \(to)")
        }
    }

    func run() throws {
        var overrides = RunOverrides()
        overrides.mode = .backfill
        overrides.from = from
        overrides.to = to
        connection.apply(to: &overrides)
        tuning.apply(to: &overrides)
        let definition = try pipeline.map { path throws(ExportError) in try PipelineDefinition.load(path: path) }
        let request = try RunRequestBuilder.build(definition: definition, overrides: overrides, environment: ProcessInfo.processInfo.environment)
        try RunExecution.perform(request, output: output)
    }
}
