import Hummingbird
import NIOCore

/// The `/__admin` routes: no authentication and no faults, because they are the test's and
/// the benchmark's view behind the API, not part of it.
struct AdminEndpoints: Sendable {
    let simulation: Simulation

    func register(on router: Router<SimulatorRequestContext>) {
        router.get("/__admin/truth") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: TruthWriter.contentType],
                body: TruthWriter.body(simulation.snapshot())
            )
        }
        router.get("/__admin/stats") { _, _ in
            Reply.json(simulation.statistics.current.json).response
        }
        router.post("/__admin/freeze") { _, _ in
            simulation.setFrozen(true)
            return Reply.json(Array(#"{"frozen":true}"#.utf8)).response
        }
        router.post("/__admin/thaw") { _, _ in
            simulation.setFrozen(false)
            return Reply.json(Array(#"{"frozen":false}"#.utf8)).response
        }
        router.post("/__admin/reset") { _, _ in
            await simulation.reset()
            return Reply.json(Array(#"{"reset":true}"#.utf8)).response
        }
        router.post("/__admin/mutate") { request, _ in
            mutate(request).response
        }
        router.post("/__admin/outage") { request, _ in
            outage(request).response
        }
        router.post("/__admin/heal") { request, _ in
            heal(request).response
        }
    }

    /// `POST /__admin/heal[?kind=bad-date|huge-string|updated-before-created|id-string|missing-id|
    /// lone-surrogate|invalid-utf8|deep-nesting|huge-number|huge-record]`: the source fixes its
    /// broken records (all quarantinable kinds by default): each becomes its valid customer,
    /// `updatedAt` moved to now. Answers `{"healed":[{"kind","id"}]}`.
    private func heal(_ request: Request) -> Reply {
        let query: QueryString
        switch Self.query(of: request) {
        case let .success(parsed): query = parsed
        case let .failure(refusal): return refusal.reply
        }
        var kind: PoisonKind?
        if let text = query.values("kind").last {
            guard let parsed = PoisonKind(rawValue: text) else {
                return .message(.badRequest, "kind must be one of \(PoisonKind.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
            }
            kind = parsed
        }
        let healed = simulation.heal(kind)
        var out = JSONWriter()
        out.raw("{")
        out.key("healed")
        out.value(.array(healed.map { .object([("kind", .string($0.kind.rawValue)), ("id", .int($0.id))]) }))
        out.raw("}")
        return .json(out.bytes)
    }

    /// `POST /__admin/outage?seconds=N[&fault=503|500|502|429|reset]`: every `/v1/customers`
    /// request meets that fault for N seconds (0 ends an outage); answers `{"outage":{...}}`.
    private func outage(_ request: Request) -> Reply {
        let query: QueryString
        switch Self.query(of: request) {
        case let .success(parsed): query = parsed
        case let .failure(refusal): return refusal.reply
        }
        let secondsText = query.values("seconds").last ?? ""
        guard let seconds = Int(secondsText), (0...86_400).contains(seconds) else {
            return .message(.badRequest, "seconds must be an integer between 0 and 86400, got '\(secondsText)'")
        }
        let faultText = query.values("fault").last ?? "503"
        guard let fault = OutageSwitch.faults[faultText] else {
            return .message(.badRequest, "fault must be one of \(OutageSwitch.faults.keys.sorted().joined(separator: ", ")), got '\(faultText)'")
        }
        simulation.outage.start(fault, seconds: seconds)
        return .json(Array(#"{"outage":{"fault":"\#(faultText)","seconds":\#(seconds)}}"#.utf8))
    }

    /// `POST /__admin/mutate?count=N[&kind=update|create|delete]`: N mutations now, even when
    /// frozen; answers with what was done, e.g. `{"performed":[{"kind":"update","id":1042}]}`.
    private func mutate(_ request: Request) -> Reply {
        let query: QueryString
        switch Self.query(of: request) {
        case let .success(parsed): query = parsed
        case let .failure(refusal): return refusal.reply
        }
        let countText = query.values("count").last ?? "1"
        guard let count = Int(countText), (0...1_000_000).contains(count) else {
            return .message(.badRequest, "count must be an integer between 0 and 1000000, got '\(countText)'")
        }
        var kind: MutationKind?
        if let kindText = query.values("kind").last {
            guard let parsed = MutationKind(rawValue: kindText) else {
                return .message(.badRequest, "kind must be one of create, update, delete, got '\(kindText)'")
            }
            kind = parsed
        }
        let performed = simulation.mutate(count: count, kind: kind, force: true)
        var out = JSONWriter()
        out.raw("{")
        out.key("performed")
        out.value(.array(performed.map { .object([("kind", .string($0.kind.rawValue)), ("id", .int($0.id))]) }))
        out.raw("}")
        return .json(out.bytes)
    }

    /// A 400 for an admin query string that does not parse.
    struct Refusal: Error {
        var reply: Reply
    }

    private static func query(of request: Request) -> Result<QueryString, Refusal> {
        do {
            return .success(try QueryString(request.uri.query))
        } catch {
            return .failure(Refusal(reply: .message(.badRequest, error.reason)))
        }
    }
}
