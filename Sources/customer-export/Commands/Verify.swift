import ArgumentParser
import CustomerExport
import Foundation

/// `customer-export verify`: is the table complete? Compares it with the API window by window.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the table against the API: per-window counts, then the windows that differ and a sample read in full; exit 7 when they differ.",
        discussion: """
            Each window's API total (one limit=1 request) is compared with the table's live rows in the same \
            createdAt bounds and filters. Windows whose counts differ, and a seeded sample of the others \
            (--sample, --seed), are read in full and diffed by id and updatedAt: missing (in the API, not \
            in the table), extra (in the table, deleted upstream and not marked), stale (another updatedAt). \
            Records updated after the verify started are counted as changed during verify, not as \
            differences. Verify writes nothing and needs only SELECT on the table; --repair reconciles the \
            windows that differ and verifies them again.

            Exit codes: 0 the table equals the API; 7 they differ; 1 windows could not be read \
            consistently; 2, 3, 4, 5 as for runs.

            Examples:
              customer-export verify --from 2024-01-01 --to 2025-01-01 --api-url http://127.0.0.1:8080
              customer-export verify --pipeline pipelines/nightly.yml          # from incremental.start to now
              customer-export verify --pipeline pipelines/nightly.yml --from 2025-01-01 --sample 10% --json
              customer-export verify --from 2024-01-01 --to 2025-01-01 --repair --report verify.json
            """
    )

    @Option(help: ArgumentHelp("Start of the range (inclusive). Default: the pipeline file's backfill.from, or its incremental.start.", valueName: "date"))
    var from: String?

    @Option(help: ArgumentHelp("End of the range (exclusive); it ends at now minus the lag at most. Default: the pipeline file's backfill.to, or now.", valueName: "date"))
    var to: String?

    @Option(help: ArgumentHelp("A pipeline file to take the range, API, database, filters and tuning settings from; flags override it.", valueName: "file"))
    var pipeline: String?

    @Option(help: ArgumentHelp(
        "Share of the windows whose counts agree to read in full anyway, as 5% or 0.05 (default \(WindowSample.defaultShare), at least one window; 0 for none).",
        valueName: "share"))
    var sample: String?

    @Option(help: ArgumentHelp("Seed of the sample, to read the same windows as an earlier verify (default: random, printed).", valueName: "n"))
    var seed: UInt64?

    @Flag(help: "Reconcile the windows that differ (a reconcile run of each), then verify them again.")
    var repair = false

    @Flag(help: "Print the report as JSON on stdout instead of the table.")
    var json = false

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var tuning: TuningOptions
    @OptionGroup var filters: FilterOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        // What the report of an early exit names, as far as it is known.
        var pipelineName = pipeline.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent } ?? RunMode.backfill.rawValue
        var targetName = ""
        do {
            let request = try makeRequest { pipelineName = $0 }
            (pipelineName, targetName) = (request.run.pipeline, request.run.target.displayName)
            try execute(request)
        } catch let error as ExportError {
            output.console.error(error.message)
            var report = VerifyReport.failed(pipeline: pipelineName, target: targetName, error: error)
            report.rangeFrom = from ?? ""
            report.rangeTo = to ?? ""
            RunExecution.writeFiles(report, output: output) { path throws(ExportError) in try VerifyMetrics.write(report, to: path) }
            throw ExitCode(error.exitCode)
        }
    }

    private func makeRequest(named: (String) -> Void) throws(ExportError) -> VerifyRequest {
        var overrides = RunOverrides(mode: .backfill, connection: connection, tuning: tuning, filters: filters)
        let environment = ProcessInfo.processInfo.environment
        let definition = try pipeline.map { path throws(ExportError) in try PipelineDefinition.load(path: path, environment: environment) }
        if let definition { named(definition.pipeline) }
        let range = try Self.range(from: from, to: to, file: definition)
        overrides.set("--from", range.from)
        overrides.set("--to", range.to)
        let run = try RunSettings.build(file: definition, overrides: overrides, environment: environment)
        let request = VerifyRequest(run: run, sample: try WindowSample(share: sample, seed: seed), repair: repair)
        try request.validate()
        return request
    }

    private func execute(_ request: VerifyRequest) throws {
        try RunExecution.withSignals(output: output) { cancellation, logger in
            var verifier = TableVerifier(request: request, cancellation: cancellation, logger: logger)
            if output.dryRun {
                let preview = try verifier.preview()
                print(json ? String(decoding: try ReportFile.json(preview), as: UTF8.self) : preview.rendered)
                return
            }
            let report = try RunExecution.drawingProgress(output: output, stats: verifier.requestStats, health: verifier.health) { progress in
                verifier.onCounted = { progress.planned(windows: $0) }
                verifier.onWindowRead = { progress.committed(rows: $0) }
            } _: { try verifier.verify() }
            print(json ? String(decoding: try ReportFile.json(report), as: UTF8.self) : report.rendered)
            try RunExecution.writeFilesOrFail(report, output: output) { path throws(ExportError) in try VerifyMetrics.write(report, to: path) }
            if report.exitCode != 0 { throw ExitCode(report.exitCode) }
        }
    }

    /// The range to check: the flags, else the pipeline file's backfill range, else from its
    /// incremental start to now (an end in the far future is cut at now minus the lag, as a
    /// run's is), so `verify --pipeline pipelines/nightly.yml` checks everything the nights loaded.
    static func range(from: String?, to: String?, file: PipelineDefinition?) throws(ExportError) -> (from: String, to: String) {
        guard let start = from ?? file?.text("backfill.from") ?? file?.text("incremental.start") else {
            throw .configuration("verify needs --from (or a pipeline file with backfill.from or incremental.start), e.g. --from 2024-01-01")
        }
        return (start, to ?? file?.text("backfill.to") ?? Self.openEnd)
    }

    /// An end past any data: the range resolver cuts it at now minus the lag.
    static let openEnd = "2200-01-01"
}
