import ArgumentParser
import CustomerExport

/// Where to read from and write to. Secrets are not options: the token comes from the environment
/// or a file, so it never shows in `ps` or shell history.
struct ConnectionOptions: ParsableArguments {
    @OptionGroup var access: AccessOptions

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--target-schema"), valueName: "name"))
    var targetSchema: String?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--target-table"), valueName: "name"))
    var targetTable: String?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--state-schema"), valueName: "name"))
    var stateSchema: String?

    @Flag(inversion: .prefixedNo, help: ArgumentHelp(RunSettings.help(flag: "--history")))
    var history: Bool?

    func apply(to overrides: inout RunOverrides) {
        access.apply(to: &overrides)
        overrides.set("--target-schema", targetSchema)
        overrides.set("--target-table", targetTable)
        overrides.set("--state-schema", stateSchema)
        overrides.set("--history", history)
    }
}

/// How hard to pull and how to slice the range. Values are checked by their declarations when
/// the request is built, with the same sentences as the pipeline file's.
struct TuningOptions: ParsableArguments {
    @Option(help: ArgumentHelp(RunSettings.help(flag: "--window"), valueName: "duration"))
    var window: String?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--page-size"), valueName: "n"))
    var pageSize: Int?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--window-rows"), valueName: "n"))
    var windowRows: Int?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--max-window-rows"), valueName: "n"))
    var maxWindowRows: Int?

    @Flag(help: ArgumentHelp(RunSettings.help(flag: "--restart")))
    var restart = false

    @Flag(help: ArgumentHelp(RunSettings.help(flag: "--wait")))
    var wait = false

    @OptionGroup var throughput: ThroughputOptions

    func apply(to overrides: inout RunOverrides) {
        overrides.set("--window", window)
        overrides.set("--page-size", pageSize)
        overrides.set("--window-rows", windowRows)
        overrides.set("--max-window-rows", maxWindowRows)
        overrides.set("--restart", switch: restart)
        overrides.set("--wait", switch: wait)
        throughput.apply(to: &overrides)
    }
}

extension RunOverrides {
    /// The flags every run-like command shares, in one place.
    init(mode: RunMode?, connection: ConnectionOptions, tuning: TuningOptions, filters: FilterOptions) {
        self.init()
        self.mode = mode
        connection.apply(to: &self)
        tuning.apply(to: &self)
        filters.apply(to: &self)
    }
}
