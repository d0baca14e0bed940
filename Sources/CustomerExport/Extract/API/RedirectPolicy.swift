import Foundation

/// Which redirects the API client follows: those that stay within the origin the request was
/// sent to. The credential header goes with every request, so a redirect to another host, port
/// or scheme (an https API redirecting to http) would hand the token to whoever answers there.
package enum RedirectPolicy {
    package static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    /// The absolute URL to follow `result` to, when it is a redirect within `requestedURL`'s
    /// origin; nil for any other answer, including a redirect elsewhere (the client refuses it).
    package static func sameOriginTarget(of result: HTTPResult, requestedURL: String) -> String? {
        guard redirectStatuses.contains(result.status), let target = location(of: result, requestedURL: requestedURL),
              let from = origin(of: requestedURL), origin(of: target) == from
        else { return nil }
        return target
    }

    /// The redirect's `Location` made absolute against the URL that was requested.
    package static func location(of result: HTTPResult, requestedURL: String) -> String? {
        guard let location = result.header("Location"), let base = URL(string: requestedURL),
              let resolved = URL(string: location, relativeTo: base)?.absoluteURL
        else { return nil }
        return resolved.absoluteString
    }

    /// `scheme://host:port`, with the scheme's default port spelled out, so that
    /// `https://api.example.com` and `https://api.example.com:443` are one origin.
    package static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), let host = components.host?.lowercased() else {
            return nil
        }
        let port = components.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : 0)
        return "\(scheme)://\(host):\(port)"
    }
}
