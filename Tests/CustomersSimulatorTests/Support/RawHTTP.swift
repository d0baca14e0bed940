import AsyncHTTPClient
import Foundation
import NIOCore

/// Sends one GET to `url` with exactly `headers`, never following a redirect (the shared client
/// follows them), so a test sees a 307 and its `Location` as a client's first hop would.
func getWithoutFollowing(_ url: String, headers: [(name: String, value: String)]) async throws -> HTTPResult {
    var configuration = HTTPClient.Configuration()
    configuration.redirectConfiguration = .disallow
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    do {
        var request = HTTPClientRequest(url: url)
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        try await client.shutdown()
        return HTTPResult(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: Array(body.readableBytesView)
        )
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// Whether `needle` occurs in `haystack`: for bodies that are not valid JSON (or not UTF-8),
/// whose exact bytes are the point of the test.
func containsBytes(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, needle.count <= haystack.count else { return needle.isEmpty }
    search: for start in 0...(haystack.count - needle.count) {
        for index in needle.indices where haystack[start + index] != needle[index] { continue search }
        return true
    }
    return false
}

/// `meta.total` read from the end of a data-meta body without parsing the records before it.
func metaTotal(_ body: [UInt8]) -> Int? {
    let tail = String(decoding: body.suffix(160), as: UTF8.self)
    guard let match = tail.firstMatch(of: /"total":(\d+)\}\}$/) else { return nil }
    return Int(match.1)
}

/// The ids of a page's records in served order, read from the bytes (every record with an
/// integer id starts `{"id":N,"externalId":`), for pages that are not valid JSON.
func servedIDs(_ body: [UInt8]) -> [Int64] {
    String(decoding: body, as: UTF8.self).matches(of: /\{"id":(\d+),"externalId":/).compactMap { Int64($0.1) }
}
