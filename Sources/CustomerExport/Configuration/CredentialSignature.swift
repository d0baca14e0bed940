import Crypto
import Foundation

/// The stored run parameters that decide where a worker sends its credential (API URL and path,
/// auth header and scheme, where the token is read from, the CA bundle), signed with the token.
///
/// Why: workers read a run's parameters from `runs.params`, so whoever can write the state tables
/// could otherwise choose which variable or file a worker reads as its token and which host it
/// sends it to. The planner signs those parameters with HMAC-SHA256 keyed by the token it read;
/// a worker checks the signature with the token it reads. Without the token nobody can make a
/// signature that verifies, and pointing the token source at another secret changes the key, so
/// the check fails too.
///
/// ```swift
/// let mac = CredentialSignature(stored).mac(token: token)      // at planning
/// CredentialSignature(stored).verifies(mac, token: token)      // in a worker
/// ```
package struct CredentialSignature {
    package let fields: [String]

    /// Over the stored settings (`RunSettings.stored`), by their stored names.
    package init(_ stored: StoredValue) {
        fields = ["v1"] + ["apiBaseURL", "apiPath", "authHeaderName", "authScheme", "tokenEnv", "tokenFile", "caFile"].map { stored[path: $0]?.string ?? "" }
    }

    /// The fields joined by the ASCII unit separator, which none of them can contain unnoticed.
    private var message: Data { Data(fields.joined(separator: "\u{1F}").utf8) }

    package func mac(token: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(token.utf8)))
        return Data(code).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `mac` (hex) was made over these fields with `token`; compared in constant time.
    package func verifies(_ mac: String, token: String) -> Bool {
        guard let bytes = Self.bytes(hex: mac) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: message, using: SymmetricKey(data: Data(token.utf8)))
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<(index + 2)], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
