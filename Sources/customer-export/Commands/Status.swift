import ArgumentParser
import CustomerExport
import Foundation

/// `customer-export status`: what the state tables say about recent runs.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show recent runs: windows done, pending and failed, rows, last error.",
        discussion: """
            Examples:
              customer-export status
              customer-export status --run 42     # one run, with its unfinished windows
            """
    )

    @Option(name: .customLong("run"), help: "Show only this run, with its failed and pending windows.")
    var runId: Int64?

    @Option(help: "How many recent runs to list.")
    var limit: Int = 10

    @Option(help: ArgumentHelp("PostgreSQL connection string. Default: DATABASE_URL, else libpq's PG* variables.", valueName: "dsn"))
    var databaseURL: String?

    @Option(help: ArgumentHelp("Schema of the state tables (default customer_export).", valueName: "name"))
    var stateSchema: String = "customer_export"

    func run() throws {
        let state = try StateSchema(stateSchema)
        let url = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"] ?? ""
        print(try AdminOperations.status(databaseURL: url, state: state, runId: runId, limit: limit))
    }
}
