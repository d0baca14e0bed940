import ArgumentParser
import CustomerExport
import Foundation

/// `--from`/`--to` (and an optional pipeline file) for the commands that read a fixed range.
struct RangeOptions: ParsableArguments {
    @Option(help: ArgumentHelp(RunSettings.help(flag: "--from"), valueName: "date"))
    var from: String

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--to"), valueName: "date"))
    var to: String

    @Option(help: ArgumentHelp("A pipeline file to take the API, database and tuning settings from; flags override it.", valueName: "file"))
    var pipeline: String?

    @Flag(help: ArgumentHelp(RunSettings.help(flag: "--plan-only")))
    var planOnly = false

    @Option(help: ArgumentHelp("With --plan-only: also write the run id to this file, for `worker --run-file` (e.g. a Kubernetes init step).", valueName: "file"))
    var runFile: String?

    func validate() throws {
        if runFile != nil, !planOnly { throw ValidationError("--run-file goes with --plan-only") }
    }

    /// Builds and runs the request for `mode` over this range; exits with the run's code.
    func perform(_ mode: RunMode, connection: ConnectionOptions, tuning: TuningOptions, filters: FilterOptions, output: OutputOptions) throws {
        let name = pipeline.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent } ?? mode.rawValue
        try RunExecution.reportingEveryExit(output: output, pipeline: name, mode: mode) { context in
            var overrides = RunOverrides(mode: mode, connection: connection, tuning: tuning, filters: filters)
            overrides.set("--from", from)
            overrides.set("--to", to)
            overrides.set("--plan-only", switch: planOnly)
            let environment = ProcessInfo.processInfo.environment
            let definition = try self.pipeline.map { path throws(ExportError) in try PipelineDefinition.load(path: path, environment: environment) }
            if let definition { context.pipeline = definition.pipeline }
            let request = try RunSettings.build(file: definition, overrides: overrides, environment: environment)
            try RunExecution.perform(request, output: output, context: context, runFile: runFile)
        }
    }
}
