import ArgumentParser
import CustomerExport
import Foundation

/// `customer-export worker --run ID`: one of many processes sharing a planned run.
struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work on a run planned with --plan-only, alongside any number of other workers.",
        discussion: """
            Windows are claimed from PostgreSQL with SELECT ... FOR UPDATE SKIP LOCKED and held under a lease \
            that the worker renews; a worker that dies stops renewing and its windows are claimed again by \
            the others once the lease runs out. Each window commits in the transaction that loads its data, \
            so it is done exactly once. A worker exits when nothing is left to claim and no live worker holds \
            a window; exit 0 means the run is complete.

            Example:
              RUN=$(customer-export backfill --from 2023-01-01 --to 2026-01-01 --plan-only | tail -n 1)
              for i in 1 2 3; do customer-export worker --run "$RUN" --concurrency 4 & done; wait
            """
    )

    @Option(name: .customLong("run"), help: "The run to work on (printed by --plan-only).")
    var runId: Int64

    @Option(help: ArgumentHelp("How long a claimed window stays this worker's without renewal (default 30s).", valueName: "duration"))
    var lease: String = "30s"

    @Option(help: ArgumentHelp("Base URL of the API, overriding the one the run was planned with.", valueName: "url"))
    var apiURL: String?

    @Option(help: ArgumentHelp("PostgreSQL connection string. Default: DATABASE_URL, else libpq's PG* variables.", valueName: "dsn"))
    var databaseURL: String?

    @Option(help: ArgumentHelp("Read the API token from this file instead of CUSTOMERS_API_TOKEN.", valueName: "file"))
    var tokenFile: String?

    @Option(help: ArgumentHelp("Schema of the state tables (default customer_export).", valueName: "name"))
    var stateSchema: String = "customer_export"

    @Option(help: "Requests in flight at once in this worker (default 8).")
    var concurrency: Int = 8

    @Option(help: "Loader threads in this worker, each with its own database connection (default 2).")
    var loaders: Int = 2

    @Option(help: ArgumentHelp("At most this many requests per second from this worker.", valueName: "rate"))
    var maxRps: Double?

    @Option(help: ArgumentHelp("At most this many requests per second from all workers together, divided among the workers holding windows.", valueName: "rate"))
    var globalMaxRps: Double?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1 (got \(concurrency)); try 8") }
        guard loaders >= 1 else { throw ValidationError("--loaders must be at least 1 (got \(loaders)); try 2") }
        guard let span = TimeSpan(parsing: lease), span >= .seconds(1) else {
            throw ValidationError("--lease \"\(lease)\" must be a duration of at least 1s, e.g. 30s")
        }
        for (name, rate) in [("--max-rps", maxRps), ("--global-max-rps", globalMaxRps)] {
            if let rate, !(rate > 0) { throw ValidationError("\(name) must be a positive number of requests per second (got \(rate))") }
        }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        var overrides = RunOverrides()
        overrides.tokenFile = tokenFile
        let token = try RunRequestBuilder.token(nil, overrides, environment)
        var request = try ExportPipeline.workerRequest(
            runId: runId, databaseURL: databaseURL ?? environment["DATABASE_URL"] ?? "", state: try StateSchema(stateSchema),
            token: token, apiURL: apiURL, concurrency: concurrency)
        request.lease = TimeSpan(parsing: lease) ?? .seconds(30)
        request.loaders = loaders
        request.maxRequestsPerSecond = maxRps
        request.globalMaxRequestsPerSecond = globalMaxRps
        try RunExecution.withPipeline(request, output: output) { pipeline in
            try RunExecution.perform(pipeline, output: output) { try $0.work(runId: runId) }
        }
    }
}
