import ArgumentParser
import CustomerExport

/// Where to read from and write to. Secrets are not options: the token comes from the environment
/// or a file, so it never shows in `ps` or shell history.
struct ConnectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Base URL of the Customers API, e.g. http://127.0.0.1:8080 (the path /v1/customers is appended).", valueName: "url"))
    var apiURL: String?

    @Option(help: ArgumentHelp("PostgreSQL connection string (URI or key=value). Default: DATABASE_URL, else libpq's PG* variables.", valueName: "dsn"))
    var databaseURL: String?

    @Option(help: ArgumentHelp("Read the API token from this file instead of CUSTOMERS_API_TOKEN.", valueName: "file"))
    var tokenFile: String?

    @Option(help: ArgumentHelp("PEM bundle of CA certificates for an API behind a private CA.", valueName: "file"))
    var caFile: String?

    @Option(help: ArgumentHelp("Target table's schema (default public).", valueName: "name"))
    var targetSchema: String?

    @Option(help: ArgumentHelp("Target table (default customers).", valueName: "name"))
    var targetTable: String?

    @Option(help: ArgumentHelp("Schema of the state tables: runs, windows, quarantine, watermarks (default customer_export).", valueName: "name"))
    var stateSchema: String?

    @Flag(inversion: .prefixedNo, help: "Keep every version of each customer in <table>_history (SCD type 2), overriding database.history.")
    var history: Bool?

    func apply(to overrides: inout RunOverrides) {
        overrides.apiURL = apiURL
        overrides.databaseURL = databaseURL
        overrides.tokenFile = tokenFile
        overrides.caFile = caFile
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

    @Option(help: "Requests in flight at once, across all windows (default 8).")
    var concurrency: Int?

    @Option(help: "Loader threads, each with its own database connection, so one merges a finished window while another copies pages (default 2).")
    var loaders: Int?

    @Option(help: "Records per request, at most the server's maximum (default 200).")
    var pageSize: Int?

    @Option(help: "Split a window whose API total exceeds this many rows (default 50000).")
    var maxWindowRows: Int?

    @Flag(help: "Read the range again even if an identical earlier run finished it.")
    var restart = false

    @Flag(help: "If another run of this pipeline is active, wait for it instead of failing.")
    var wait = false

    @Option(help: ArgumentHelp("How long to wait out an outage of the API or PostgreSQL before failing (default 10m).", valueName: "duration"))
    var retryFor: String?

    @Option(help: ArgumentHelp("At most this many requests per second from this process.", valueName: "rate"))
    var maxRps: Double?

    @Option(help: ArgumentHelp("At most this many requests per second from all workers of the run together, divided among the workers holding windows.", valueName: "rate"))
    var globalMaxRps: Double?

    func validate() throws {
        if let concurrency, concurrency < 1 {
            throw ValidationError("--concurrency must be at least 1 (got \(concurrency)); try 8")
        }
        if let loaders, loaders < 1 {
            throw ValidationError("--loaders must be at least 1 (got \(loaders)); try 2")
        }
        if let pageSize, pageSize < 1 {
            throw ValidationError("--page-size must be at least 1 (got \(pageSize)); use the server's maximum, usually 200")
        }
        for (name, rate) in [("--max-rps", maxRps), ("--global-max-rps", globalMaxRps)] {
            if let rate, !(rate > 0) { throw ValidationError("\(name) must be a positive number of requests per second (got \(rate))") }
        }
        if let retryFor {
            guard let span = TimeSpan(parsing: retryFor), span.nanoseconds > 0 else {
                throw ValidationError("--retry-for \"\(retryFor)\" is not a positive duration; use e.g. 10m or 1h")
            }
        }
        if let window {
            guard let span = TimeSpan(parsing: window), span.nanoseconds > 0 else {
                throw ValidationError("--window \"\(window)\" is not a positive duration; use e.g. 1h or 1d")
            }
        }
    }

    func apply(to overrides: inout RunOverrides) {
        overrides.window = window
        overrides.concurrency = concurrency
        overrides.loaders = loaders
        overrides.pageSize = pageSize
        overrides.maxWindowRows = maxWindowRows
        overrides.restart = restart
        overrides.wait = wait
        overrides.maxRequestsPerSecond = maxRps
        overrides.globalMaxRequestsPerSecond = globalMaxRps
        overrides.retryFor = retryFor
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
