import Hummingbird

/// `GET /v1/customers`: the contract's list endpoint, with this run's faults and delays.
///
/// Order of events for one request: roll its fate; answer with the fault if it is a status-code
/// fault or a reset; otherwise authorise, validate and page; then wait until the fate's delay has
/// passed since the request arrived, and deliver the answer whole or (for `truncate`) cut in
/// half. The delay is the time to answer, building the page included, so `--latency-ms 50` means
/// a page leaves 50 ms after its request arrived, as it would from a server with that latency,
/// and not 50 ms plus however long the simulator took on a busy machine. Every outcome is counted
/// in the statistics, and so is every request that carried credentials.
///
/// The server bugs a hostile source has (`--redirect-to`, `--ignores-offset`, `--page-cap`,
/// `--ignores-date-filters`) act where the
/// answer is built, so faults still come first; `--total-ignores-filters` acts in
/// ``Simulation/page(_:)``, which knows the store.
struct CustomersEndpoint: Sendable {
    let simulation: Simulation
    let authorizer: BearerAuthorizer

    init(simulation: Simulation) {
        self.simulation = simulation
        self.authorizer = BearerAuthorizer(token: simulation.options.token, limitedToken: simulation.options.limitedToken)
    }

    func respond(to request: Request, context: SimulatorRequestContext) async throws -> Response {
        if Self.carriesCredentials(request) { simulation.statistics.recordCredentials() }
        var fate = simulation.dice.roll()
        if let fault = simulation.outage.current { fate = RequestFate(fault: fault, delayMilliseconds: 0) }
        let answerAt = ContinuousClock.now + .milliseconds(fate.delayMilliseconds)
        let retryAfter: HTTPFields = [.retryAfter: String(simulation.options.retryAfterSeconds)]
        let reply: Reply
        switch fate.fault {
        case .http500:
            reply = .text(.internalServerError, "Internal Server Error\n", contentType: "text/plain; charset=utf-8")
        case .http502:
            reply = .text(.badGateway, Reply.badGatewayHTML, contentType: "text/html")
        case .http503:
            reply = .message(.serviceUnavailable, "service temporarily unavailable; retry later", headers: retryAfter)
        case .http429:
            reply = .message(.tooManyRequests, "rate limit exceeded; retry later", headers: retryAfter)
        case .reset:
            try await Self.wait(until: answerAt, fate)
            await ConnectionFaults.reset(context.channel)
            simulation.statistics.recordRequest("reset", bodyBytes: 0, isPage: false)
            return Response(status: .ok)
        case .truncate:
            let answer = answer(request)
            try await Self.wait(until: answerAt, fate)
            simulation.statistics.recordRequest("truncated", bodyBytes: answer.body.readableBytes / 2, isPage: false)
            return ConnectionFaults.truncated(answer, channel: context.channel)
        case .slow, nil:
            reply = answer(request)
        }
        try await Self.wait(until: answerAt, fate)
        simulation.statistics.recordRequest(String(reply.status.code), bodyBytes: reply.body.readableBytes, isPage: reply.status == .ok)
        return reply.response
    }

    private static func wait(until answerAt: ContinuousClock.Instant, _ fate: RequestFate) async throws {
        guard fate.delayMilliseconds > 0 else { return }
        try await Task.sleep(until: answerAt, clock: .continuous)
    }

    /// Whether `request` presents a credential of any kind: an `Authorization` or an
    /// `X-Api-Key` header, valid or not.
    static func carriesCredentials(_ request: Request) -> Bool {
        request.headers.contains { field in
            field.name.canonicalName == "authorization" || field.name.canonicalName == "x-api-key"
        }
    }

    /// The answer the contract prescribes for `request`, faults aside (or the redirect of
    /// `--redirect-to`, which comes before authorisation).
    private func answer(_ request: Request) -> Reply {
        if let origin = simulation.options.redirectTo {
            let location = origin + request.uri.string
            return .message(.temporaryRedirect, "moved temporarily to \(location)", headers: [.location: location])
        }
        let access: BearerAuthorizer.Access
        switch authorizer.verdict(for: request) {
        case .allowed(let granted): access = granted
        case .refused(let refusal): return refusal
        }
        var query: CustomerQuery
        do {
            query = try simulation.parser.parse(request.uri.query)
        } catch {
            return .message(.badRequest, error.message)
        }
        if simulation.options.ignoresOffset { query.offset = 0 }  // so meta.offset echoes 0 too
        if let cap = simulation.options.pageCap { query.limit = min(query.limit, cap) }  // so meta.limit echoes the cap
        if simulation.options.ignoresDateFilters { (query.createdAt, query.updatedAt) = (InstantBounds(), InstantBounds()) }
        if let refusal = authorizer.refusal(of: query, access: access) { return refusal }
        let page = simulation.page(query)
        return Reply(status: .ok, body: PageRenderer.body(page, query: query, envelope: simulation.options.envelope))
    }
}
