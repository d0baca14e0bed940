import ArgumentParser
import CustomerExport
import Foundation
import Logging

/// `customer-export plan pipelines/X.yml`: what a run would read, without writing anything.
struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a pipeline's windows with each window's total from the API, the pages and a time estimate; write nothing.",
        discussion: """
            One limit=1 request per window, in parallel. Incremental pipelines read their watermark \
            (read-only). The same as `run FILE --dry-run`.

            Example:
              customer-export plan pipelines/nightly.yml --lookback 2h
            """
    )

    @Argument(help: ArgumentHelp("The pipeline file.", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--from"), valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--to"), valueName: "date"))
    var to: String?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--lookback"), valueName: "duration"))
    var lookback: String?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var tuning: TuningOptions
    @OptionGroup var filters: FilterOptions

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let definition = try PipelineDefinition.load(path: file, environment: environment)
        var overrides = RunOverrides(mode: nil, connection: connection, tuning: tuning, filters: filters)
        for (flag, value) in [("--from", from), ("--to", to), ("--lookback", lookback)] {
            overrides.set(flag, value)
        }
        let request = try RunSettings.build(file: definition, overrides: overrides, environment: environment)
        let pipeline = ExportPipeline(request: request, cancellation: CancellationToken(), logger: .init(label: "customer-export"))
        print(try pipeline.plan().rendered)
    }
}
