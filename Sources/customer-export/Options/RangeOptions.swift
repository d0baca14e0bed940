import ArgumentParser
import CustomerExport
import Foundation

/// `--from`/`--to` (and an optional pipeline file) for the commands that read a fixed range.
struct RangeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Start of the range (inclusive): 2024-01-01 or 2024-01-01T00:00:00Z.", valueName: "date"))
    var from: String

    @Option(help: ArgumentHelp("End of the range (exclusive for a date alone; a full timestamp includes its instant).", valueName: "date"))
    var to: String

    @Option(help: ArgumentHelp("A pipeline file to take the API, database and tuning settings from; flags override it.", valueName: "file"))
    var pipeline: String?

    @Flag(help: "Record the run and its windows for `customer-export worker --run ID` processes, fetch nothing, and print the run id as the last line.")
    var planOnly = false

    @Option(help: ArgumentHelp("With --plan-only: also write the run id to this file, for `worker --run-file` (e.g. a Kubernetes init step).", valueName: "file"))
    var runFile: String?

    func validate() throws {
        if runFile != nil, !planOnly { throw ValidationError("--run-file goes with --plan-only") }
        guard let start = Timestamp(dateOrTimestamp: from) else {
            throw ValidationError("--from \"\(from)\" is not a date (YYYY-MM-DD) or an RFC 3339 timestamp between 1678 and 2261")
        }
        guard let end = Timestamp(dateOrTimestamp: to) else {
            throw ValidationError("--to \"\(to)\" is not a date (YYYY-MM-DD) or an RFC 3339 timestamp between 1678 and 2261")
        }
        guard start < end else {
            throw ValidationError("--from \(from) must be before --to \(to)")
        }
    }

    /// Builds and runs the request for `mode` over this range; exits with the run's code.
    func perform(_ mode: RunMode, connection: ConnectionOptions, tuning: TuningOptions, filters: FilterOptions, output: OutputOptions) throws {
        let name = pipeline.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent } ?? mode.rawValue
        try RunExecution.reportingEveryExit(output: output, pipeline: name, mode: mode) { context in
            var overrides = RunOverrides(connection: connection, tuning: tuning, filters: filters)
            overrides.mode = mode
            overrides.from = from
            overrides.to = to
            overrides.planOnly = planOnly
            let environment = ProcessInfo.processInfo.environment
            let definition = try self.pipeline.map { path throws(ExportError) in try PipelineDefinition.load(path: path, environment: environment) }
            if let definition { context.pipeline = definition.pipeline }
            let request = try RunRequestBuilder.build(definition: definition, overrides: overrides, environment: environment)
            try RunExecution.perform(request, output: output, context: context, runFile: runFile)
        }
    }
}
