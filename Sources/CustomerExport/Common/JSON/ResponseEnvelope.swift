/// How a deployment of the API wraps a page: `{"data": [...], "meta": {"total": N}}` (the
/// contract's default) or a bare JSON array with no total. Real deployments differ, so it is
/// configuration, not code.
package enum ResponseEnvelope: String, Sendable, CaseIterable, Codable {
    case dataMeta = "data-meta"
    case array
}
