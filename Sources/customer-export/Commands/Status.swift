import ArgumentParser
import CustomerExport
import Foundation

/// `customer-export status`: what the state tables say about recent runs.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show each pipeline (last run, windows, activity, watermark, quarantine) and the recent runs.",
        discussion: """
            Examples:
              customer-export status
              customer-export status --json | jq '.pipelines[] | {pipeline, watermark}'
              customer-export status --run 42     # one run, with its unfinished windows and workers
            """
    )

    @Option(name: .customLong("run"), help: "Show only this run, with its failed and pending windows.")
    var runId: Int64?

    @Option(help: "How many recent runs to list.")
    var limit: Int = 10

    @OptionGroup var database: StateOptions

    @Flag(help: "Print the pipelines as JSON (with --run: that run's line as text).")
    var json = false

    func run() throws {
        let state = try database.state
        let url = database.url
        if let runId {
            print(try AdminOperations.status(databaseURL: url, state: state, runId: runId, limit: limit))
            return
        }
        let pipelines = try StateOperations.status(databaseURL: url, state: state)
        if json {
            struct Output: Encodable { var pipelines: [PipelineStatus] }
            print(try StatusJSON.encode(Output(pipelines: pipelines)))
            return
        }
        var sections = pipelines.map(\.rendered)
        sections.append(try AdminOperations.status(databaseURL: url, state: state, runId: nil, limit: limit))
        print(sections.joined(separator: "\n\n"))
    }
}
