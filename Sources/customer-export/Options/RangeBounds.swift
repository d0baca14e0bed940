import ArgumentParser
import CustomerExport
import Foundation

/// `--from`/`--to` and an optional pipeline file: the range a command reads or checks, and where
/// its other settings come from. `backfill`, `reconcile` and `verify` share it.
struct RangeBounds: ParsableArguments {
    @Option(help: ArgumentHelp(RunSettings.help(flag: "--from"), valueName: "date"))
    var from: String

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--to"), valueName: "date"))
    var to: String

    @Option(help: ArgumentHelp("A pipeline file to take the API, database, filters and tuning settings from; flags override it.", valueName: "file"))
    var pipeline: String?

    /// The file's name (pipelines/nightly.yml: "nightly") until the file is read, else `fallback`.
    func name(or fallback: String) -> String {
        pipeline.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent } ?? fallback
    }

    /// The pipeline file, read, when one is given.
    func definition(environment: [String: String]) throws(ExportError) -> PipelineDefinition? {
        try pipeline.map { path throws(ExportError) in try PipelineDefinition.load(path: path, environment: environment) }
    }

    func apply(to overrides: inout RunOverrides) {
        overrides.set("--from", from)
        overrides.set("--to", to)
    }
}
