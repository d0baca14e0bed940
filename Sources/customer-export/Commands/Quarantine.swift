import ArgumentParser
import CustomerExport
import Foundation

/// `customer-export quarantine`: see the records a run could not load, and fetch them again.
struct Quarantine: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List, show and retry quarantined records.",
        discussion: """
            A record that cannot be made valid (no id, a broken date, a string over the limit...) is kept in \
            <state>.quarantine with the reason and the payload as served, never loaded and never dropped.

            Examples:
              customer-export quarantine list --reason createdAt
              customer-export quarantine show 42 | jq .
              customer-export quarantine retry --pipeline nightly     # after the source was fixed
            """,
        subcommands: [QuarantineList.self, QuarantineShow.self, QuarantineRetryCommand.self]
    )
}

/// Where the state lives, and which entries a quarantine command is about.
struct QuarantineOptions: ParsableArguments {
    @OptionGroup var database: StateOptions

    @Option(help: ArgumentHelp("Only entries whose reason contains this text (case-insensitive), e.g. createdAt.", valueName: "text"))
    var reason: String?

    @Option(name: .customLong("run"), help: ArgumentHelp("Only entries quarantined by this run.", valueName: "id"))
    var runId: Int64?

    @Option(help: ArgumentHelp("Only entries quarantined by runs of this pipeline.", valueName: "name"))
    var pipeline: String?

    @Option(name: .customLong("id"), help: ArgumentHelp("Only this entry (repeatable).", valueName: "id"))
    var ids: [Int64] = []

    @Option(help: "At most this many entries (default 1000).")
    var limit: Int = 1000

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1 (got \(limit))") }
    }

    var selection: QuarantineSelection {
        QuarantineSelection(reason: reason, runId: runId, pipeline: pipeline, ids: ids, limit: limit)
    }

}

struct QuarantineList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List quarantined records: id, source id, times seen, last seen, run, target, reason.")

    @OptionGroup var options: QuarantineOptions

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func run() throws {
        let entries = try QuarantineOperations.list(databaseURL: options.database.url, state: try options.database.state, selection: options.selection)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(entries), as: UTF8.self))
        } else {
            print(QuarantineOperations.render(entries))
        }
    }
}

struct QuarantineShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Print one quarantined record's payload exactly as the API served it.")

    @Argument(help: "The entry's id, from `quarantine list`.")
    var id: Int64

    @OptionGroup var database: StateOptions

    func run() throws {
        print(try QuarantineOperations.payload(databaseURL: database.url, state: try database.state, id: id))
    }
}

struct QuarantineRetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Fetch quarantined records again by id; merge those that are valid now, re-quarantine the rest with their new reason.",
        discussion: """
            Uses the API settings stored with the run that quarantined each record (URL, path, header, page size, \
            where the token comes from); the flags below override them. Records without an integer id cannot be \
            asked for by id and stay as they are.
            """)

    @OptionGroup var options: QuarantineOptions

    @Option(help: ArgumentHelp("Base URL of the API, overriding the stored one.", valueName: "url"))
    var apiURL: String?

    @Option(help: ArgumentHelp("Read the API token from this file.", valueName: "file"))
    var tokenFile: String?

    @Option(help: ArgumentHelp("PEM bundle of CA certificates for an API behind a private CA.", valueName: "file"))
    var caFile: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        var overrides = RunOverrides()
        overrides.set("--api-url", apiURL)
        overrides.set("--token-file", tokenFile)
        overrides.set("--ca-file", caFile)
        let retry = QuarantineRetry(
            databaseURL: options.database.url, state: try options.database.state, selection: options.selection, overrides: overrides,
            environment: ProcessInfo.processInfo.environment)
        let report = try retry.run()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        let reasons = report.newReasons.sorted { $0.key < $1.key }.map { "  still invalid: \($0.value) × \($0.key)" }
        print(([
            "retried \(report.selected) quarantined record(s): \(report.merged) now valid and merged (\(report.inserted) inserted, \(report.updated) updated), "
                + "\(report.stillQuarantined) still invalid, \(report.notReturned) not returned by the API, \(report.notFetchable) without an integer id to ask for",
        ] + reasons).joined(separator: "\n"))
    }
}
