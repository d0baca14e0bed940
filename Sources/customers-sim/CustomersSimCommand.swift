import ArgumentParser
import CustomersSimulator
import Foundation

/// `customers-sim`: serves the Customers API contract over seeded data until interrupted.
@main
struct CustomersSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customers-sim",
        abstract: "Serve the Customers API (GET /v1/customers) over seeded, realistic and hostile data.",
        discussion: """
            Implements shared/api/customers.openapi.yaml exactly: every filter, the default sort \
            rules, inclusive date bounds, 400/401/403 errors, and either envelope. On top of the \
            contract it can mix in invalid records (--poison), inject faults per request \
            (--fail-*, --fault-rate), add latency, and mutate the data while serving \
            (--mutate-rps). The same --seed always yields the same data and the same faults.

            A hostile source, all off by default: records whose bytes strict parsers reject \
            (--hostile: a lone surrogate escape, invalid UTF-8, 600-deep nesting, 1e999999), \
            records of 50 MB (--huge-records, --huge-record-bytes), and server bugs: a total \
            that ignores the filters (--total-ignores-filters), an ignored offset \
            (--ignores-offset), a silent page-size cap (--page-cap N), ignored date filters \
            (--ignores-date-filters), a meta.total of -1 (--impossible-total), and a 307 to another origin (--redirect-to). GET /__admin/stats \
            counts the /v1/customers requests that carried credentials (requestsWithCredentials), \
            so a redirect target can show that no client followed with its token.

            Once the port is bound it prints "customers-sim listening on http://127.0.0.1:PORT" \
            and serves until SIGINT or SIGTERM.

            Admin routes (no auth, no faults): GET /__admin/truth (JSON Lines of every record, \
            deletion and poison record), GET /__admin/stats, POST /__admin/freeze, \
            POST /__admin/thaw, POST /__admin/mutate?count=N[&kind=create|update|delete], \
            POST /__admin/heal[?kind=KIND], POST /__admin/outage?seconds=N[&fault=503], \
            POST /__admin/reset.

            Example:
              customers-sim --port 8080 --customers 10000 --seed 1 --token test-token \\
                --poison 14 --fault-rate 0.05 --mutate-rps 20
              curl -H 'Authorization: Bearer test-token' \\
                'http://127.0.0.1:8080/v1/customers?limit=100&sortBy=name'
              customers-sim --port 8081 --hostile 8 --huge-records 1 --total-ignores-filters
              customers-sim --port 8082 --redirect-to http://127.0.0.1:8081
            """
    )

    @OptionGroup(title: "Server") var server: ServerFlags
    @OptionGroup(title: "Data") var data: DataFlags
    @OptionGroup(title: "Faults (each a per-request probability, 0...1, on /v1/customers only)") var faults: FaultFlags
    @OptionGroup(title: "Live data") var live: LiveFlags
    @OptionGroup(title: "Hostile source (all off by default)") var hostile: HostileFlags

    func validate() throws {
        let problems = try options().problems
        if !problems.isEmpty { throw ValidationError(problems.joined(separator: "\n")) }
    }

    func run() async throws {
        let simulator = try await CustomersSimulator.start(try options())
        print("customers-sim listening on \(simulator.baseURL)")
        fflush(nil)  // flushes stdout (naming `stdout` itself is not concurrency-safe)
        await TerminationSignal.wait()
        await simulator.stop()
    }

    /// The library's options from the flags.
    func options() throws -> SimulatorOptions {
        var options = SimulatorOptions(
            host: server.host,
            port: server.port,
            customers: data.customers,
            seed: data.seed,
            token: server.token,
            limitedToken: server.limitedToken,
            maxLimit: server.maxLimit,
            envelope: server.envelope,
            poison: data.poison,
            faults: faults.rates,
            retryAfterSeconds: faults.retryAfter,
            slowMilliseconds: faults.slowMilliseconds,
            latencyMilliseconds: faults.latencyMilliseconds,
            jitterMilliseconds: faults.jitterMilliseconds,
            mutateRPS: live.mutateRPS,
            start: try data.startDate(),
            end: try data.endDate()
        )
        options.bulkShare = data.bulkShare
        options.hostile = hostile.hostile
        options.hugeRecords = hostile.hugeRecords
        options.hugeRecordBytes = hostile.hugeRecordBytes
        options.totalIgnoresFilters = hostile.totalIgnoresFilters
        options.ignoresOffset = hostile.ignoresOffset
        options.pageCap = hostile.pageCap
        options.ignoresDateFilters = hostile.ignoresDateFilters
        options.impossibleTotal = hostile.impossibleTotal
        options.redirectTo = hostile.redirectTo
        return options
    }
}

extension SimulatorOptions.Envelope: ExpressibleByArgument {}
