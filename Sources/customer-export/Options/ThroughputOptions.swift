import ArgumentParser
import CustomerExport

/// How hard one process works and how long it waits out an outage: shared by every run-like
/// command and by `worker`, so they are checked with the same sentences everywhere.
struct ThroughputOptions: ParsableArguments {
    @Option(help: ArgumentHelp(RunSettings.help(flag: "--concurrency"), valueName: "n"))
    var concurrency: Int?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--loaders"), valueName: "n"))
    var loaders: Int?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--retry-for"), valueName: "duration"))
    var retryFor: String?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--max-rps"), valueName: "rate"))
    var maxRps: Double?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--global-max-rps"), valueName: "rate"))
    var globalMaxRps: Double?

    func apply(to overrides: inout RunOverrides) {
        overrides.set("--concurrency", concurrency)
        overrides.set("--loaders", loaders)
        overrides.set("--retry-for", retryFor)
        overrides.set("--max-rps", maxRps)
        overrides.set("--global-max-rps", globalMaxRps)
    }
}
