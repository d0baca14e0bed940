import ArgumentParser
import CustomerExport
import Foundation

/// The range (and an optional pipeline file) of the commands that export a fixed range, with
/// planning for workers.
struct RangeOptions: ParsableArguments {
    @OptionGroup var bounds: RangeBounds

    @Flag(help: ArgumentHelp(RunSettings.help(flag: "--plan-only")))
    var planOnly = false

    @Option(help: ArgumentHelp("With --plan-only: also write the run id to this file, for `worker --run-file` (e.g. a Kubernetes init step).", valueName: "file"))
    var runFile: String?

    func validate() throws {
        if runFile != nil, !planOnly { throw ValidationError("--run-file goes with --plan-only") }
    }

    /// Builds and runs the request for `mode` over this range; exits with the run's code.
    func perform(_ mode: RunMode, connection: ConnectionOptions, tuning: TuningOptions, filters: FilterOptions, output: OutputOptions) throws {
        try RunExecution.reportingEveryExit(output: output, pipeline: bounds.name(or: mode.rawValue), mode: mode) { context in
            var overrides = RunOverrides(mode: mode, connection: connection, tuning: tuning, filters: filters)
            bounds.apply(to: &overrides)
            overrides.set("--plan-only", switch: planOnly)
            let environment = ProcessInfo.processInfo.environment
            let definition = try bounds.definition(environment: environment)
            if let definition { context.pipeline = definition.pipeline }
            let request = try RunSettings.build(file: definition, overrides: overrides, environment: environment)
            try RunExecution.perform(request, output: output, context: context, runFile: runFile)
        }
    }
}
