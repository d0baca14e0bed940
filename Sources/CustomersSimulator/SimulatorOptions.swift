import struct Foundation.Date

/// Everything that shapes one simulator run; one field per `customers-sim` flag.
///
/// A plain value so that tests, benchmarks and the CLI describe a server the same way, and so
/// that two runs with equal options (and no live mutations) serve byte-identical data.
public struct SimulatorOptions: Sendable {
    /// Interface to bind.
    public var host: String
    /// TCP port; 0 picks a free one (read it back from ``RunningSimulator/port``).
    public var port: Int
    /// Number of valid customers generated at start-up.
    public var customers: Int
    /// Seed of every random choice: data, poison, faults, mutations.
    public var seed: UInt64
    /// The bearer token that grants full access.
    public var token: String
    /// A token that may list customers but not filter by `operatorId` (401 when it tries).
    public var limitedToken: String?
    /// Largest accepted `limit`; larger values are rejected with 400.
    public var maxLimit: Int
    /// Shape of a page body.
    public var envelope: Envelope
    /// Number of invalid records served in addition to the customers.
    public var poison: Int
    /// Share of the customers created by large bulk imports (10,000 to 50,000 sharing one
    /// instant each), for the dense data shape of the benchmarks; 0 keeps the usual shape.
    public var bulkShare: Double = 0
    /// Per-request fault probabilities for `/v1/customers`.
    public var faults: FaultRates
    /// Value of `Retry-After` on 429 and 503.
    public var retryAfterSeconds: Int
    /// Delay of a "slow" fault.
    public var slowMilliseconds: Int
    /// Time to answer every `/v1/customers` request, building the page included (a floor, not an addition).
    public var latencyMilliseconds: Int
    /// Extra uniform random delay (0...jitter) added to every `/v1/customers` request.
    public var jitterMilliseconds: Int
    /// Background mutations per second (0 = still data).
    public var mutateRPS: Double
    /// Earliest generated `createdAt` (inclusive).
    public var start: Date
    /// Bound of generated `createdAt` (exclusive); also caps generated `updatedAt`.
    public var end: Date

    // MARK: Hostile source (all off by default)

    /// Number of records, on top of the customers and the poison, whose bytes a strict JSON
    /// parser or PostgreSQL `jsonb` rejects: a lone surrogate escape, invalid UTF-8, 600-deep
    /// nesting, `1e999999`, in turn. Otherwise valid customers, listed as poison in the truth.
    public var hostile = 0
    /// Number of `huge-record` records: valid customers whose `name` is ``hugeRecordBytes`` long.
    public var hugeRecords = 0
    /// Length in bytes of a `huge-record`'s `name` (50 MB by default), marker included.
    public var hugeRecordBytes = 52_428_800
    /// Serves `meta.total` as the number of all live records whatever the filters, as buggy
    /// servers do; `data` stays filtered and paged.
    public var totalIgnoresFilters = false
    /// Ignores `offset`, as buggy servers do: every page is the query's first, `meta.offset` is 0.
    public var ignoresOffset = false
    /// Serves at most this many records per page whatever `limit` asks, without a 400, and says
    /// so only in `meta.limit`: the silent cap many public APIs have.
    public var pageCap: Int?
    /// Ignores `createdAt*` and `updatedAt*`: pages and `meta.total` cover every date.
    public var ignoresDateFilters = false
    /// Serves `meta.total` as -1, which no page can match.
    public var impossibleTotal = false
    /// An origin (`http://127.0.0.1:4567`) every `/v1/customers` request is sent to with a
    /// `307 Temporary Redirect`, its path and query kept, before any authorisation: where a
    /// client must not follow with its credentials.
    public var redirectTo: String?

    /// 2023-01-01T00:00:00Z.
    public static let defaultStart = Date(timeIntervalSince1970: 1_672_531_200)
    /// 2026-01-01T00:00:00Z.
    public static let defaultEnd = Date(timeIntervalSince1970: 1_767_225_600)

    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        customers: Int = 1000,
        seed: UInt64 = 1,
        token: String = "test-token",
        limitedToken: String? = nil,
        maxLimit: Int = 200,
        envelope: Envelope = .dataMeta,
        poison: Int = 0,
        faults: FaultRates = .none,
        retryAfterSeconds: Int = 1,
        slowMilliseconds: Int = 2000,
        latencyMilliseconds: Int = 0,
        jitterMilliseconds: Int = 0,
        mutateRPS: Double = 0,
        start: Date = SimulatorOptions.defaultStart,
        end: Date = SimulatorOptions.defaultEnd
    ) {
        self.host = host
        self.port = port
        self.customers = customers
        self.seed = seed
        self.token = token
        self.limitedToken = limitedToken
        self.maxLimit = maxLimit
        self.envelope = envelope
        self.poison = poison
        self.faults = faults
        self.retryAfterSeconds = retryAfterSeconds
        self.slowMilliseconds = slowMilliseconds
        self.latencyMilliseconds = latencyMilliseconds
        self.jitterMilliseconds = jitterMilliseconds
        self.mutateRPS = mutateRPS
        self.start = start
        self.end = end
    }

    /// Shape of a `/v1/customers` response body.
    public enum Envelope: String, Sendable, CaseIterable {
        /// `{"data": [...], "meta": {"limit", "offset", "total"}}` (the contract's default).
        case dataMeta = "data-meta"
        /// A bare JSON array: the client cannot know the total up front.
        case array
    }

    /// The problems with these options, each phrased as what to change; empty when they are usable.
    /// The CLI reports these from `validate()`, and ``CustomersSimulator/start(_:)`` refuses to start with any.
    public var problems: [String] {
        var problems: [String] = []
        if !(0...65535).contains(port) { problems.append("--port must be between 0 and 65535 (0 picks a free port)") }
        if customers < 1 { problems.append("--customers must be at least 1") }
        if customers > 50_000_000 { problems.append("--customers must be at most 50000000") }
        if token.isEmpty { problems.append("--token must not be empty") }
        if let limitedToken, limitedToken.isEmpty || limitedToken == token {
            problems.append("--limited-token must be non-empty and differ from --token")
        }
        if maxLimit < 1 { problems.append("--max-limit must be at least 1") }
        if poison < 0 { problems.append("--poison must be 0 or more") }
        if !(bulkShare >= 0 && bulkShare <= 1) { problems.append("--bulk-share must be between 0 and 1") }
        problems.append(contentsOf: hostileSourceProblems)
        problems.append(contentsOf: faults.problems)
        if retryAfterSeconds < 0 { problems.append("--retry-after must be 0 or more seconds") }
        if slowMilliseconds < 0 { problems.append("--slow-ms must be 0 or more") }
        if latencyMilliseconds < 0 { problems.append("--latency-ms must be 0 or more") }
        if jitterMilliseconds < 0 { problems.append("--jitter-ms must be 0 or more") }
        if !(mutateRPS >= 0 && mutateRPS <= 100_000) { problems.append("--mutate-rps must be between 0 and 100000") }
        if !(start < end) { problems.append("--start must be earlier than --end") }
        let supported = -2_208_988_800.0...7_258_118_400.0  // 1900-01-01 ... 2200-01-01
        if !supported.contains(start.timeIntervalSince1970) || !supported.contains(end.timeIntervalSince1970) {
            problems.append("--start and --end must lie between 1900-01-01 and 2200-01-01")
        }
        return problems
    }
}

extension SimulatorOptions {
    /// The problems with the hostile-source options.
    var hostileSourceProblems: [String] {
        var problems: [String] = []
        if hostile < 0 { problems.append("--hostile must be 0 or more") }
        if hugeRecords < 0 { problems.append("--huge-records must be 0 or more") }
        if hugeRecords > 1000 { problems.append("--huge-records must be at most 1000") }
        let hugeBytes = PoisonKind.minimumHugeRecordBytes...(1 << 30)
        if !hugeBytes.contains(hugeRecordBytes) {
            problems.append("--huge-record-bytes must be between \(hugeBytes.lowerBound) and \(hugeBytes.upperBound) (1 GiB)")
        }
        if (1...1000).contains(hugeRecords), hugeBytes.contains(hugeRecordBytes), hugeRecords * hugeRecordBytes > 1 << 31 {
            // Every huge record could land on one page, whose body must stay addressable.
            problems.append("--huge-records × --huge-record-bytes must be at most 2 GiB; use fewer or smaller huge records")
        }
        if let pageCap, pageCap < 1 { problems.append("--page-cap must be at least 1") }
        if let redirectTo, !Self.isOrigin(redirectTo) {
            problems.append("--redirect-to must be an origin such as http://127.0.0.1:4567 (scheme, host, optional port; no path), got '\(redirectTo)'")
        }
        return problems
    }

    /// `http://host[:port]` or `https://host[:port]`, with nothing after the authority.
    static func isOrigin(_ text: String) -> Bool {
        let authority: Substring
        if text.hasPrefix("http://") {
            authority = text.dropFirst("http://".count)
        } else if text.hasPrefix("https://") {
            authority = text.dropFirst("https://".count)
        } else {
            return false
        }
        return !authority.isEmpty && !authority.contains { "/?#@ ".contains($0) }
    }
}

extension SimulatorOptions {
    /// `[start, end)` as instants, rounded to the microsecond (a `Date` holds no more).
    var createdAtRange: Range<Instant> {
        Instant(date: start)..<Instant(date: end)
    }
}

extension Instant {
    /// The instant of `date`, rounded to the microsecond: `Date` is a `Double` and its
    /// nanosecond digits are noise.
    init(date: Date) {
        let interval = date.timeIntervalSince1970
        let seconds = interval.rounded(.down)
        let micros = ((interval - seconds) * 1_000_000).rounded()
        self.init(nanoseconds: Int64(seconds) * Instant.nanosecondsPerSecond + Int64(micros) * 1000)
    }
}

extension SimulatorOptions {
    /// Reads a `--start` / `--end` value: a day (`2023-01-01`, midnight UTC) or a full RFC 3339
    /// date-time with offset; the failure says what was wrong.
    public static func parseDate(_ text: String) -> Result<Date, InvalidSimulatorOptions> {
        do {
            let instant = try RFC3339.parseDateOrDateTime(text)
            return .success(Date(timeIntervalSince1970: Double(instant.nanoseconds) / 1e9))
        } catch {
            return .failure(InvalidSimulatorOptions(problems: ["'\(text)' is not a date (2023-01-01) or an RFC 3339 date-time (2023-01-01T00:00:00Z): \(error.reason)"]))
        }
    }
}
