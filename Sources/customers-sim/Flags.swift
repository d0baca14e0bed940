import ArgumentParser
import CustomersSimulator
import Foundation

/// Where and how the simulator listens.
struct ServerFlags: ParsableArguments {
    @Option(help: "Interface to bind.")
    var host = "127.0.0.1"

    @Option(help: "TCP port; 0 picks a free port (printed on the 'listening' line).")
    var port = 8080

    @Option(help: "Bearer token with full access (requests without it get 403).")
    var token = "test-token"

    @Option(help: "A second token that may list customers but gets 401 when it filters by operatorId.")
    var limitedToken: String?

    @Option(help: "Largest accepted limit; larger values get 400.")
    var maxLimit = 200

    @Option(help: "Body shape: data-meta ({\"data\": [...], \"meta\": {limit, offset, total}}) or array (a bare JSON array, no total).")
    var envelope = SimulatorOptions.Envelope.dataMeta
}

/// What data is generated.
struct DataFlags: ParsableArguments {
    @Option(help: "Number of valid customers (1,000,000 take a few seconds to generate).")
    var customers = 1000

    @Option(help: "Seed of all generated data, faults and mutations.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp(
        "Number of invalid records added on top of the customers.",
        discussion: "Kinds cycle: missing-id, id-string, bad-date, nul-char, huge-string, updated-before-created, duplicate-older. Each is named poison-<kind>-<id>."
    ))
    var poison = 0

    @Option(help: "Share (0 to 1) of the customers created by large bulk imports of 10,000 to 50,000 on one instant each: the dense data shape.")
    var bulkShare = 0.0

    @Option(help: "Earliest createdAt: a day (2023-01-01) or an RFC 3339 date-time.")
    var start = "2023-01-01"

    @Option(help: "createdAt stays before this (and updatedAt not after it, nor after now).")
    var end = "2026-01-01"

    func startDate() throws -> Date { try Self.date(start, flag: "--start") }
    func endDate() throws -> Date { try Self.date(end, flag: "--end") }

    private static func date(_ text: String, flag: String) throws -> Date {
        switch SimulatorOptions.parseDate(text) {
        case .success(let date): return date
        case .failure(let problem): throw ValidationError("\(flag): \(problem)")
        }
    }
}

/// Injected failures and delays.
struct FaultFlags: ParsableArguments {
    @Option(name: .customLong("fail-500"), help: "Probability of a 500 with a plain-text body.")
    var fail500 = 0.0

    @Option(name: .customLong("fail-502"), help: "Probability of a 502 with an HTML body (as from a proxy).")
    var fail502 = 0.0

    @Option(name: .customLong("fail-503"), help: "Probability of a 503 with Retry-After.")
    var fail503 = 0.0

    @Option(name: .customLong("fail-429"), help: "Probability of a 429 with Retry-After.")
    var fail429 = 0.0

    @Option(name: .customLong("fail-reset"), help: "Probability that the connection is closed with no response.")
    var failReset = 0.0

    @Option(name: .customLong("fail-truncate"), help: "Probability of a 200 whose body stops half-way before the connection closes.")
    var failTruncate = 0.0

    @Option(name: .customLong("fail-slow"), help: "Probability that the response is delayed by --slow-ms.")
    var failSlow = 0.0

    @Option(help: "Shorthand: this total probability spread evenly over all seven faults (added to the --fail-* values).")
    var faultRate = 0.0

    @Option(name: .customLong("retry-after"), help: "Retry-After seconds sent with 429 and 503.")
    var retryAfter = 1

    @Option(name: .customLong("slow-ms"), help: "Delay of a slow response, in milliseconds.")
    var slowMilliseconds = 2000

    @Option(name: .customLong("latency-ms"), help: "Time to answer every /v1/customers request, in milliseconds, building the page included.")
    var latencyMilliseconds = 0

    @Option(name: .customLong("jitter-ms"), help: "Extra random delay of 0...N milliseconds on every /v1/customers request.")
    var jitterMilliseconds = 0

    var rates: FaultRates {
        FaultRates(
            http500: fail500, http502: fail502, http503: fail503, http429: fail429,
            reset: failReset, truncate: failTruncate, slow: failSlow
        ).adding(.evenly(faultRate))
    }
}

/// Mutations while serving.
struct LiveFlags: ParsableArguments {
    @Option(name: .customLong("mutate-rps"), help: ArgumentHelp(
        "Mutations per second while serving (0 keeps the data still).",
        discussion: "About half updates (updatedAt moves to now), a quarter creates (new, larger ids), a quarter deletes. POST /__admin/freeze pauses them."
    ))
    var mutateRPS = 0.0
}

/// A hostile source: records whose bytes break strict parsers, and the bugs of careless servers.
struct HostileFlags: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Number of records whose bytes a strict JSON parser or PostgreSQL jsonb rejects, added on top of the customers and --poison.",
        discussion: """
            Kinds cycle: lone-surrogate (the name holds the escape \\ud83d), invalid-utf8 (the name holds the bytes C3 28 FF), \
            deep-nesting (a member "nested" of 600 nested arrays), huge-number (a member "score": 1e999999). Otherwise valid \
            customers whose name starts poison-<kind>-<id>; listed as poison in /__admin/truth.
            """
    ))
    var hostile = 0

    @Option(help: "Number of huge-record records: valid customers whose name alone is --huge-record-bytes long.")
    var hugeRecords = 0

    @Option(help: "Length in bytes of a huge-record's name, its marker included (default 50 MB).")
    var hugeRecordBytes = 52_428_800

    @Flag(help: "Server bug: meta.total counts every live record, whatever the filters (data stays filtered and paged).")
    var totalIgnoresFilters = false

    @Flag(help: "Server bug: offset is ignored; every page is the query's first and meta.offset is 0.")
    var ignoresOffset = false

    @Option(help: "Server bug: serve at most this many records per page whatever limit asks (meta.limit says so; no 400).")
    var pageCap: Int?

    @Flag(help: "Server bug: createdAt*/updatedAt* filters are ignored; pages and meta.total cover every date.")
    var ignoresDateFilters = false

    @Flag(help: "Server bug: meta.total is -1, a count no page can match.")
    var impossibleTotal = false

    @Option(help: "Answer every /v1/customers request, before authorisation, with 307 to this origin (e.g. http://127.0.0.1:4567) plus the request's path and query.")
    var redirectTo: String?
}
