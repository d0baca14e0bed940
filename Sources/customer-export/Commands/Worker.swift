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

            The worker reads the API, the target and the token's source (a variable's name or a file) from \
            the run's stored parameters; --api-url, --token-file, --ca-file and --retry-for override them.

            Examples:
              RUN=$(customer-export backfill --from 2023-01-01 --to 2026-01-01 --plan-only | tail -n 1)
              for i in 1 2 3; do customer-export worker --run "$RUN" --concurrency 4 & done; wait

              customer-export backfill --from 2023-01-01 --to 2026-01-01 --plan-only --run-file /work/run-id
              customer-export worker --run-file /work/run-id
            """
    )

    @Option(name: .customLong("run"), help: "The run to work on (printed by --plan-only).")
    var runId: Int64?

    @Option(help: ArgumentHelp("Read the run id from this file (written by `backfill --plan-only --run-file FILE`), e.g. in a Kubernetes init step.", valueName: "file"))
    var runFile: String?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--lease"), valueName: "duration"))
    var lease: String?

    @OptionGroup var access: AccessOptions

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--state-schema"), valueName: "name"))
    var stateSchema: String?

    @OptionGroup var throughput: ThroughputOptions

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (runId == nil) != (runFile == nil) else { throw ValidationError("pass either --run ID or --run-file FILE") }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        try RunExecution.reportingEveryExit(output: output, pipeline: "worker", mode: .backfill) { context in
            let id = try resolvedRunId()
            var overrides = RunOverrides()
            access.apply(to: &overrides)
            throughput.apply(to: &overrides)
            overrides.set("--lease", lease)
            overrides.set("--state-schema", stateSchema)
            let database = try RunSettings.database(file: nil, overrides: overrides, environment: environment)
            let request = try ExportPipeline.workerRequest(
                runId: id, databaseURL: database.databaseURL, state: database.state, overrides: overrides, environment: environment)
            context.known(request)
            try RunExecution.withPipeline(request, output: output) { pipeline in
                try RunExecution.perform(pipeline, output: output, context: context) { try $0.work(runId: id) }
            }
        }
    }

    private func resolvedRunId() throws(ExportError) -> Int64 {
        if let runId { return runId }
        let path = runFile ?? ""
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .configuration("cannot read the run file \(path); it is written by `customer-export backfill ... --plan-only --run-file \(path)`")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let id = Int64(text), id > 0 else {
            throw .configuration("the run file \(path) holds \"\(text.prefix(40))\", not a run id; plan the run again with --plan-only --run-file \(path)")
        }
        return id
    }
}
