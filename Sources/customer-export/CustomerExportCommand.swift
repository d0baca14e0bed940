import ArgumentParser
import CustomerExport
import Foundation

/// `customer-export`: copies the Customers API into PostgreSQL, resumably and exactly once.
@main
struct CustomerExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer-export",
        abstract: "Export customers from GET /v1/customers into PostgreSQL, resumably and without losing or duplicating a record.",
        discussion: """
            The API token is read from CUSTOMERS_API_TOKEN (or --token-file), never from a flag. The database \
            comes from --database-url, DATABASE_URL, or libpq's PG* variables.

            Examples:
              customer-export backfill --from 2024-01-01 --to 2025-01-01 --api-url http://127.0.0.1:8080
              customer-export run pipelines/nightly.yml --report /var/log/customer-export/last.json
              customer-export status
              customer-export verify --from 2024-01-01 --to 2025-01-01 --api-url http://127.0.0.1:8080

            Exit codes: 0 done; 1 failed after retries (resumable: run the same command again); 2 usage or \
            configuration error (nothing written); 3 rejected by the API (400/401/403/404); 4 database \
            unreachable or rejected; 5 interrupted by SIGINT/SIGTERM (resumable); 6 another run of the \
            pipeline is active; 7 (verify) the table differs from the API.
            """,
        subcommands: [Backfill.self, Run.self, Plan.self, Reconcile.self, Verify.self, Worker.self, Status.self, State.self, Quarantine.self, Migrate.self]
    )

    /// Runs the command; every failure ends in one sentence on stderr and its documented exit code.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as ExportError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            Foundation.exit(error.exitCode)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            // Help and version requests exit 0 through ArgumentParser; usage errors exit 2, as documented.
            if exitCode(for: error) == .success { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(ExportError.configuration("").exitCode)
        }
    }
}
