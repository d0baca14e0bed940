import ArgumentParser
import CustomerExport
import Foundation

/// `customer-export run pipelines/NAME.yml`: a pipeline file drives the run; flags override it.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the pipeline defined in a YAML file (backfill or nightly incremental).",
        discussion: """
            The file's `${NAME}` and `${NAME:-default}` are read from the environment; unknown keys are errors. \
            For `mode: incremental`, the run reads updatedAt from the stored watermark minus --lookback up to \
            now minus --lag, and moves the watermark only when every window is done.

            Examples:
              customer-export run pipelines/demo.yml
              customer-export run pipelines/nightly.yml --lookback 2h --report last-run.json
            """
    )

    @Argument(help: ArgumentHelp("The pipeline file, e.g. pipelines/nightly.yml.", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("Backfill start, overriding the file.", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("Backfill end, overriding the file.", valueName: "date"))
    var to: String?

    @Option(help: ArgumentHelp("Incremental: where the first run starts when no watermark exists.", valueName: "date"))
    var start: String?

    @Option(help: ArgumentHelp("Incremental: re-read this much before the watermark, for late writes (default 1h).", valueName: "duration"))
    var lookback: String?

    @Option(help: ArgumentHelp("End the range this long before now, so no window is read while records can still enter it (default 1m).", valueName: "duration"))
    var lag: String?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var tuning: TuningOptions
    @OptionGroup var filters: FilterOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        // Until the file is read, the run is named after it (pipelines/nightly.yml: "nightly"),
        // so even a file that does not parse leaves a report and metrics under a usable name.
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        try RunExecution.reportingEveryExit(output: output, pipeline: name, mode: .incremental) { context in
            let definition = try PipelineDefinition.load(path: file)
            context.pipeline = definition.pipeline
            context.mode = definition.mode ?? .backfill
            var overrides = RunOverrides(connection: connection, tuning: tuning, filters: filters)
            overrides.from = from
            overrides.to = to
            overrides.start = start
            overrides.lookback = lookback
            overrides.lag = lag
            let request = try RunRequestBuilder.build(definition: definition, overrides: overrides, environment: ProcessInfo.processInfo.environment)
            try RunExecution.perform(request, output: output, context: context)
        }
    }
}
