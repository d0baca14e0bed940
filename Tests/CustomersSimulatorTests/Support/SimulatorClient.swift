import AsyncHTTPClient
import CustomersSimulator
import Foundation
import Testing
import NIOCore

/// Starts a simulator for the duration of `body` and stops it afterwards, also on failure.
func withSimulator<Result>(
    _ options: SimulatorOptions,
    _ body: (SimulatorClient) async throws -> Result
) async throws -> Result {
    let simulator = try await CustomersSimulator.start(options)
    do {
        let result = try await body(SimulatorClient(simulator: simulator, token: options.token))
        await simulator.stop()
        return result
    } catch {
        await simulator.stop()
        throw error
    }
}

/// One HTTP exchange as the tests inspect it.
struct HTTPResult {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON (fails the test's `try` when it is not JSON).
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
    }

    /// The `message` of an error body.
    func message() throws -> String? {
        (try json() as? [String: Any])?["message"] as? String
    }
}

/// Talks HTTP to one running simulator, the way a client of the contract would.
struct SimulatorClient: Sendable {
    let simulator: RunningSimulator
    let token: String

    /// Sends a request; `token` nil sends no Authorization header.
    func request(_ pathAndQuery: String, method: String = "GET", token: String?? = .none) async throws -> HTTPResult {
        var request = HTTPClientRequest(url: simulator.baseURL + pathAndQuery)
        request.method = .RAW(value: method)
        let bearer: String? = token ?? self.token
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        let response: HTTPClientResponse
        do {
            // A POST is not tried again (a second `mutate` would mutate twice), so it gets the
            // whole patience at once: at the start of the full suite every suite starts its
            // simulator on the same two cores, and a POST has been seen to wait past 30 s there
            // (2026-12-06) although it takes milliseconds when the machine is idle.
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(method == "GET" ? 30 : 120))
        } catch let error as HTTPClientError where error == .deadlineExceeded && method == "GET" {
            // With every suite of the package running at once on two cores, one exchange has
            // been seen to miss a 30 s deadline (CI, 2026-12-02) although the server answers in
            // milliseconds when idle. One more try of a read keeps a starved machine from failing a test
            // about the server's behaviour; a server that never answers still fails it.
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        }
        let body = try await response.body.collect(upTo: 256 << 20)
        return HTTPResult(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: Array(body.readableBytesView)
        )
    }

    func get(_ pathAndQuery: String, token: String?? = .none) async throws -> HTTPResult {
        try await request(pathAndQuery, token: token)
    }

    func post(_ pathAndQuery: String) async throws -> HTTPResult {
        try await request(pathAndQuery, method: "POST", token: .some(nil))
    }

    /// One page of `/v1/customers?query`: the records and `meta.total` (nil for the array envelope).
    func customers(_ query: String) async throws -> (records: [[String: Any]], total: Int?) {
        let result = try await get("/v1/customers?\(query)")
        guard result.status == 200 else { throw UnexpectedStatus(status: result.status, body: result.text) }
        let json = try result.json()
        if let records = json as? [[String: Any]] { return (records, nil) }
        let object = try #require(json as? [String: Any])
        let meta = object["meta"] as? [String: Any]
        return (try #require(object["data"] as? [[String: Any]]), meta?["total"] as? Int)
    }

    /// Every record of `query`, paged by offset with `limit` until a short page.
    func allPages(_ query: String, limit: Int) async throws -> [[String: Any]] {
        var records: [[String: Any]] = []
        while true {
            let page = try await customers("\(query)&limit=\(limit)&offset=\(records.count)").records
            records.append(contentsOf: page)
            if page.count < limit { return records }
        }
    }

    func truth() async throws -> Truth {
        let result = try await get("/__admin/truth", token: .some(nil))
        guard result.status == 200 else { throw UnexpectedStatus(status: result.status, body: result.text) }
        return try Truth(jsonLines: result.body)
    }

    func stats() async throws -> [String: Any] {
        try #require(try await get("/__admin/stats", token: .some(nil)).json() as? [String: Any])
    }

    /// `POST /__admin/mutate`; returns the performed (kind, id) pairs.
    func mutate(count: Int, kind: String? = nil) async throws -> [(kind: String, id: Int64)] {
        let result = try await post("/__admin/mutate?count=\(count)" + (kind.map { "&kind=\($0)" } ?? ""))
        let object = try #require(try result.json() as? [String: Any])
        let performed = try #require(object["performed"] as? [[String: Any]])
        return try performed.map { (try #require($0["kind"] as? String), try #require(int64($0["id"]))) }
    }
}

struct UnexpectedStatus: Error, CustomStringConvertible {
    var status: Int
    var body: String
    var description: String { "unexpected status \(status): \(body.prefix(300))" }
}

/// An integer JSON value as `Int64` (nil for anything else, including strings).
func int64(_ value: Any?) -> Int64? {
    guard let number = value as? NSNumber, !(value is String) else { return nil }
    return number.int64Value
}

/// The record's `id`, when it is a JSON integer.
func id(_ record: [String: Any]) -> Int64? {
    int64(record["id"])
}

/// Percent-encodes a query value (so `+02:00` arrives as a plus, not a space).
func encoded(_ value: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~:")
    return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
}
