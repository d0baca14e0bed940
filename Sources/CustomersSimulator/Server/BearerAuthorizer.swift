import Hummingbird

/// Decides what a request's `Authorization: Bearer <token>` allows.
///
/// The contract's split: missing or unknown credentials are 403; a known but limited token
/// that asks for something beyond its rights (an `operatorId` filter) is 401.
struct BearerAuthorizer: Sendable {
    enum Access: Equatable {
        case full
        case limited
    }

    var token: String
    var limitedToken: String?

    enum Verdict {
        case allowed(Access)
        /// The 403 to send.
        case refused(Reply)
    }

    /// The caller's access, or the 403 that refuses it.
    func verdict(for request: Request) -> Verdict {
        guard let header = request.headers[.authorization] else {
            return .refused(.message(.forbidden, "missing credentials: send 'Authorization: Bearer <token>'"))
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return .refused(.message(.forbidden, "unsupported Authorization scheme: send 'Authorization: Bearer <token>'"))
        }
        let presented = String(parts[1].drop { $0 == " " })
        if presented == token { return .allowed(.full) }
        if let limitedToken, presented == limitedToken { return .allowed(.limited) }
        return .refused(.message(.forbidden, "invalid token"))
    }

    /// The 401 for a limited caller asking for more than it may, or nil.
    func refusal(of query: CustomerQuery, access: Access) -> Reply? {
        guard access == .limited, query.operatorID != nil else { return nil }
        return .message(.unauthorized, "this token may not filter by operatorId; use a token with operator permissions")
    }
}
