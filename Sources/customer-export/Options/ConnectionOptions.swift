import ArgumentParser
import CustomerExport

/// Where to read from and write to. Secrets are not options: the token comes from the environment
/// or a file, so it never shows in `ps` or shell history.
struct ConnectionOptions: ParsableArguments {
    @OptionGroup var access: AccessOptions

    @Option(help: ArgumentHelp("Target table's schema (default public).", valueName: "name"))
    var targetSchema: String?

    @Option(help: ArgumentHelp("Target table (default customers).", valueName: "name"))
    var targetTable: String?

    @Option(help: ArgumentHelp("Schema of the state tables: runs, windows, quarantine, watermarks (default customer_export).", valueName: "name"))
    var stateSchema: String?

    @Flag(inversion: .prefixedNo, help: "Keep every version of each customer in <table>_history (SCD type 2), overriding database.history.")
    var history: Bool?

    func apply(to overrides: inout RunOverrides) {
        access.apply(to: &overrides)
        overrides.targetSchema = targetSchema
        overrides.targetTable = targetTable
        overrides.stateSchema = stateSchema
        overrides.history = history
    }
}

/// How hard to pull and how to slice the range.
struct TuningOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Window size: 90s, 15m, 1h, 1d (default 1d).", valueName: "duration"))
    var window: String?

    @Option(help: "Records per request, at most the server's maximum (default 200).")
    var pageSize: Int?

    @Option(help: "Size windows to about this many records each, from the API's counts (default 20000).")
    var windowRows: Int?

    @Option(help: "Split a window whose API total exceeds this many rows (default 50000).")
    var maxWindowRows: Int?

    @Flag(help: "Read the range again even if an identical earlier run finished it.")
    var restart = false

    @Flag(help: "If another run of this pipeline is active, wait for it instead of failing.")
    var wait = false

    @OptionGroup var throughput: ThroughputOptions

    func validate() throws {
        if let windowRows, windowRows < 1 {
            throw ValidationError("--window-rows must be at least 1 (got \(windowRows)); the default is 20000")
        }
        if let pageSize, pageSize < 1 {
            throw ValidationError("--page-size must be at least 1 (got \(pageSize)); use the server's maximum, usually 200")
        }
        if let window {
            guard let span = TimeSpan(parsing: window), span.nanoseconds > 0 else {
                throw ValidationError("--window \"\(window)\" is not a positive duration; use e.g. 1h or 1d")
            }
        }
    }

    func apply(to overrides: inout RunOverrides) {
        overrides.window = window
        throughput.apply(to: &overrides)
        overrides.pageSize = pageSize
        overrides.maxWindowRows = maxWindowRows
        overrides.windowRows = windowRows
        overrides.restart = restart
        overrides.wait = wait
    }
}

extension RunOverrides {
    /// The flags every run-like command shares, in one place.
    init(connection: ConnectionOptions, tuning: TuningOptions, filters: FilterOptions) {
        self.init()
        connection.apply(to: &self)
        tuning.apply(to: &self)
        filters.apply(to: &self)
    }
}
