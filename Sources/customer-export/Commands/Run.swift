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

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--from"), valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--to"), valueName: "date"))
    var to: String?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--start"), valueName: "date"))
    var start: String?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--lookback"), valueName: "duration"))
    var lookback: String?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--lag"), valueName: "duration"))
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
            // Known before the request is built, so a bad flag's report names the file's mode.
            context.mode = definition.text("mode").flatMap(RunMode.init(rawValue:)) ?? .backfill
            var overrides = RunOverrides(mode: nil, connection: connection, tuning: tuning, filters: filters)
            for (flag, value) in [("--from", from), ("--to", to), ("--start", start), ("--lookback", lookback), ("--lag", lag)] {
                overrides.set(flag, value)
            }
            let request = try RunSettings.build(file: definition, overrides: overrides, environment: ProcessInfo.processInfo.environment)
            context.mode = request.mode
            try RunExecution.perform(request, output: output, context: context)
        }
    }
}
