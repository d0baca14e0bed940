import ArgumentParser
import CustomerExport

/// Where the API and PostgreSQL are, and how to reach them: shared by every run-like command and
/// by `worker` (which otherwise takes them from the run's stored parameters), so they read and
/// apply the same way everywhere.
struct AccessOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Base URL of the Customers API, e.g. http://127.0.0.1:8080 (the path /v1/customers is appended). A worker's default is the run's.", valueName: "url"))
    var apiURL: String?

    @Option(help: ArgumentHelp("PostgreSQL connection string (URI or key=value). Default: DATABASE_URL, else libpq's PG* variables.", valueName: "dsn"))
    var databaseURL: String?

    @Option(help: ArgumentHelp("Read the API token from this file instead of CUSTOMERS_API_TOKEN (a worker's default: where the run read it).", valueName: "file"))
    var tokenFile: String?

    @Option(help: ArgumentHelp("PEM bundle of CA certificates for an API behind a private CA (a worker's default: the run's).", valueName: "file"))
    var caFile: String?

    func apply(to overrides: inout RunOverrides) {
        overrides.apiURL = apiURL
        overrides.databaseURL = databaseURL
        overrides.tokenFile = tokenFile
        overrides.caFile = caFile
    }
}
