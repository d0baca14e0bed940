import ArgumentParser
import CustomerExport

/// Where the API and PostgreSQL are, and how to reach them: shared by every run-like command and
/// by `worker` (which otherwise takes them from the run's stored parameters). Help lines come from
/// the settings' declarations (`RunSettings`), so `--help` and the reference cannot disagree.
struct AccessOptions: ParsableArguments {
    @Option(help: ArgumentHelp(RunSettings.help(flag: "--api-url"), valueName: "url"))
    var apiURL: String?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--database-url"), valueName: "dsn"))
    var databaseURL: String?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--token-file"), valueName: "file"))
    var tokenFile: String?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--ca-file"), valueName: "file"))
    var caFile: String?

    func apply(to overrides: inout RunOverrides) {
        overrides.set("--api-url", apiURL)
        overrides.set("--database-url", databaseURL)
        overrides.set("--token-file", tokenFile)
        overrides.set("--ca-file", caFile)
    }
}
