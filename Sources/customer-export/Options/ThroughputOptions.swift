import ArgumentParser
import CustomerExport

/// How hard one process works and how long it waits out an outage: shared by every run-like
/// command and by `worker`, so they are checked with the same sentences everywhere.
struct ThroughputOptions: ParsableArguments {
    @Option(help: "Requests in flight at once, across all windows (default 8).")
    var concurrency: Int?

    @Option(help: "Loader threads, each with its own database connection, so one merges a finished window while another copies pages (default 4).")
    var loaders: Int?

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
            throw ValidationError("--loaders must be at least 1 (got \(loaders)); try 4")
        }
        for (name, rate) in [("--max-rps", maxRps), ("--global-max-rps", globalMaxRps)] {
            if let rate, !(rate > 0) { throw ValidationError("\(name) must be a positive number of requests per second (got \(rate))") }
        }
        if let retryFor {
            guard let span = TimeSpan(parsing: retryFor), span.nanoseconds > 0 else {
                throw ValidationError("--retry-for \"\(retryFor)\" is not a positive duration; use e.g. 10m or 1h")
            }
        }
    }

    func apply(to overrides: inout RunOverrides) {
        overrides.concurrency = concurrency
        overrides.loaders = loaders
        overrides.retryFor = retryFor
        overrides.maxRequestsPerSecond = maxRps
        overrides.globalMaxRequestsPerSecond = globalMaxRps
    }
}
