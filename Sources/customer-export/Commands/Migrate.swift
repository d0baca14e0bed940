import ArgumentParser
import CustomerExport
import Foundation

/// `customer-export migrate`: create or upgrade the tables; other commands do it implicitly.
struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or upgrade the target table and the state tables.",
        discussion: """
            Idempotent and safe to run concurrently; backfill and run do it themselves before their first write \
            when the export role may create tables. When it may not (a shared reporting database), run this \
            once as the schemas' owner with --grant-to: the export role then gets USAGE on both schemas and \
            row privileges on the tables, and needs no DDL of its own.

            Examples:
              customer-export migrate --database-url postgresql://export@127.0.0.1/export --target-table customers
              customer-export migrate --pipeline nightly.yml --database-url postgresql://dba@db/reporting --grant-to export
            """
    )

    @Option(help: ArgumentHelp("Take target, state schema and history settings from this pipeline file.", valueName: "file"))
    var pipeline: String?

    @Option(help: ArgumentHelp("PostgreSQL connection string. Default: DATABASE_URL, else libpq's PG* variables.", valueName: "dsn"))
    var databaseURL: String?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--target-schema"), valueName: "name"))
    var targetSchema: String?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--target-table"), valueName: "name"))
    var targetTable: String?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--state-schema"), valueName: "name"))
    var stateSchema: String?

    @Option(help: ArgumentHelp("Grant this role what a run needs (USAGE on the schemas, SELECT/INSERT/UPDATE on the tables, USAGE on the sequences).", valueName: "role"))
    var grantTo: String?

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let file = try pipeline.map { path throws(ExportError) in try PipelineDefinition.load(path: path, environment: environment) }
        var overrides = RunOverrides()
        for (flag, value) in [("--database-url", databaseURL), ("--target-schema", targetSchema), ("--target-table", targetTable), ("--state-schema", stateSchema)] {
            overrides.set(flag, value)
        }
        let settings = try RunSettings.database(file: file, overrides: overrides, environment: environment)
        print(try AdminOperations.migrate(databaseURL: settings.databaseURL, target: settings.target, state: settings.state, grantTo: grantTo))
    }
}
