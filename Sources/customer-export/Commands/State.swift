import ArgumentParser
import CustomerExport
import Foundation

/// `customer-export state`: look at and fix what the state tables hold for a pipeline.
struct State: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show, set or reset a pipeline's watermark, or forget a run; refused while a run of the pipeline is active.",
        discussion: """
            After restoring the target table from a backup, move the watermark back to the backup's time so the \
            next nightly run reads everything changed since; or reset it so the next run starts at the pipeline's \
            start. Forgetting a run makes the next identical command start it afresh (its rows stay in the target, its committed windows stay as loads).

            Examples:
              customer-export state show --pipeline nightly
              customer-export state set-watermark --pipeline nightly --to 2026-11-28T00:00:00Z
              customer-export state reset-watermark --pipeline nightly
              customer-export state forget-run --run 42
            """,
        subcommands: [StateShow.self, StateSetWatermark.self, StateResetWatermark.self, StateForgetRun.self]
    )
}

/// Where the state lives and which pipeline a `state` command is about.
struct StateOptions: ParsableArguments {
    @Option(help: ArgumentHelp("PostgreSQL connection string. Default: DATABASE_URL, else libpq's PG* variables.", valueName: "dsn"))
    var databaseURL: String?

    @Option(help: ArgumentHelp("Schema of the state tables (default customer_export).", valueName: "name"))
    var stateSchema: String = "customer_export"

    var url: String { databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "" }
    var state: StateSchema { get throws { try StateSchema(stateSchema) } }
}

struct PipelineSelection: ParsableArguments {
    @Option(help: ArgumentHelp("The pipeline (its `pipeline:` name; backfill for a plain backfill).", valueName: "name"))
    var pipeline: String

    @Option(help: ArgumentHelp("The target as schema.table, when the pipeline writes to more than one.", valueName: "schema.table"))
    var target: String?
}

struct StateShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one pipeline: last run, windows, watermark, quarantine, activity.")

    @OptionGroup var options: StateOptions
    @OptionGroup var selection: PipelineSelection

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let all = try StateOperations.status(databaseURL: options.url, state: try options.state)
        let matching = all.filter { $0.pipeline == selection.pipeline && (selection.target == nil || $0.target == selection.target) }
        guard !matching.isEmpty else {
            throw ExportError.configuration("the state knows no pipeline \"\(selection.pipeline)\"\(selection.target.map { " into \($0)" } ?? ""); `customer-export status` lists them")
        }
        print(json ? try StatusJSON.encode(matching) : matching.map(\.rendered).joined(separator: "\n\n"))
    }
}

struct StateSetWatermark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set-watermark", abstract: "Move a pipeline's watermark; its next incremental run starts there (minus the look-back).")

    @OptionGroup var options: StateOptions
    @OptionGroup var selection: PipelineSelection

    @Option(help: ArgumentHelp("The new watermark: 2026-11-28 or 2026-11-28T00:00:00Z.", valueName: "date"))
    var to: String

    func validate() throws {
        guard Timestamp(dateOrTimestamp: to) != nil else {
            throw ValidationError("--to \"\(to)\" is not a date (YYYY-MM-DD) or an RFC 3339 timestamp")
        }
    }

    func run() throws {
        let value = Timestamp(dateOrTimestamp: to) ?? .now()
        print(try StateOperations.setWatermark(databaseURL: options.url, state: try options.state, pipeline: selection.pipeline, target: selection.target, to: value))
    }
}

struct StateResetWatermark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reset-watermark", abstract: "Remove a pipeline's watermark; its next incremental run starts at the pipeline's start.")

    @OptionGroup var options: StateOptions
    @OptionGroup var selection: PipelineSelection

    func run() throws {
        print(try StateOperations.resetWatermark(databaseURL: options.url, state: try options.state, pipeline: selection.pipeline, target: selection.target))
    }
}

struct StateForgetRun: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "forget-run", abstract: "Forget a run, so the same command starts it afresh; its rows stay in the target and its committed windows stay as loads.")

    @OptionGroup var options: StateOptions

    @Option(name: .customLong("run"), help: "The run to forget.")
    var runId: Int64

    func run() throws {
        print(try StateOperations.forgetRun(databaseURL: options.url, state: try options.state, runId: runId))
    }
}

/// Status as JSON for scripts.
enum StatusJSON {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
