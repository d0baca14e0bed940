/// Helpers for libpq connection strings, which come in two forms: URIs
/// (`postgresql://user:secret@host:5432/db?sslmode=require`) and keyword/value lists
/// (`host=localhost user=export password=secret dbname=export`).
public enum ConnectionString {
    /// The connection string with every password masked as `***`, for messages and logs.
    ///
    /// - URI form: the password in the user-info part (`user:***@host`) and any `password=`
    ///   query parameter.
    /// - Keyword/value form: the value of `password` (quoted or not); a `dbname` value that is
    ///   itself a connection string (libpq expands those) is redacted recursively.
    ///
    /// When the text cannot be parsed, the unparseable remainder is masked too: over-masking
    /// a log line is harmless, leaking a password is not.
    public static func redacted(_ connectionString: String) -> String {
        var secrets: [String] = []
        return redacted(connectionString, secrets: &secrets)
    }

    /// `message` with every password that appears in `connectionString` replaced by `***`.
    ///
    /// libpq's messages do not contain the password, except when it complains about a
    /// malformed connection string and quotes the offending part (e.g. "invalid percent-encoded
    /// token"). Passwords shorter than 3 characters are left alone: masking every "a" in a
    /// message would destroy it, and such a password protects nothing anyway.
    static func scrubbingPasswords(of connectionString: String, from message: String) -> String {
        var secrets: [String] = []
        _ = redacted(connectionString, secrets: &secrets)
        var result = message
        for secret in secrets.sorted(by: { $0.count > $1.count }) where secret.count >= 3 {
            result = result.replacingAll(secret, with: mask)
        }
        return result
    }

    /// Redacts and collects the masked values (raw, and decoded as libpq would see them).
    static func redacted(_ connectionString: String, secrets: inout [String]) -> String {
        if let schemeEnd = uriSchemeEnd(connectionString) {
            return redactedURI(connectionString, afterScheme: schemeEnd, secrets: &secrets)
        }
        return redactedKeywordValue(connectionString, secrets: &secrets)
    }

    static let mask = "***"

    /// The index just past `postgresql://` or `postgres://`, when the string is a URI.
    static func uriSchemeEnd(_ s: String) -> String.Index? {
        for scheme in ["postgresql://", "postgres://"] {
            if s.lowercased().hasPrefix(scheme) {
                return s.utf8.index(s.startIndex, offsetBy: scheme.utf8.count)
            }
        }
        return nil
    }

    // MARK: URI form

    static func redactedURI(_ s: String, afterScheme start: String.Index, secrets: inout [String]) -> String {
        let rest = s[start...]
        var head = String(s[..<start])
        var tail = rest

        if let userInfoEnd = userInfoEnd(rest) {
            let userInfo = rest[..<userInfoEnd]
            if let colon = userInfo.firstIndex(of: ":") {
                let password = String(userInfo[userInfo.index(after: colon)...])
                secrets += [password, percentDecoded(password)]
                head += String(userInfo[..<colon]) + ":" + mask + "@"
            } else {
                head += String(userInfo) + "@"
            }
            tail = rest[rest.index(after: userInfoEnd)...]
        }

        // Query parameters: `password=...` up to the next `&` or `#`.
        guard let question = tail.firstIndex(of: "?") else { return head + String(tail) }
        var result = head + String(tail[...question])
        let query = tail[tail.index(after: question)...]
        let parameters = query.split(separator: "&", omittingEmptySubsequences: false)
        var redactedParameters: [String] = []
        for parameter in parameters {
            guard let equals = parameter.firstIndex(of: "=") else {
                redactedParameters.append(String(parameter))
                continue
            }
            let key = parameter[..<equals].lowercased()
            let value = String(parameter[parameter.index(after: equals)...])
            if key == "password" {
                secrets += [value, percentDecoded(value)]
                redactedParameters.append(String(parameter[...equals]) + mask)
            } else if key == "dbname" {
                redactedParameters.append(String(parameter[...equals]) + redacted(percentDecoded(value), secrets: &secrets))
            } else {
                redactedParameters.append(String(parameter))
            }
        }
        result += redactedParameters.joined(separator: "&")
        return result
    }

    /// Where the user-info part (`user[:password]`) ends, i.e. the index of its `@`, or `nil`.
    ///
    /// libpq takes the first `@` before the first `/`. A password that (illegally, unencoded)
    /// contains `@`, `/` or `?` would make that leak part of it, so this is more generous: the
    /// last `@` before the first `/` or `?`; and when there is none there but an `@` follows and
    /// the text before the first separator is `user:something` where `something` is not a
    /// port number, the password is assumed to contain the separator and the last `@` is used.
    static func userInfoEnd(_ rest: Substring) -> String.Index? {
        let separator = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        if let at = rest[..<separator].lastIndex(of: "@") { return at }
        guard separator < rest.endIndex, let at = rest[separator...].lastIndex(of: "@") else { return nil }
        let authority = rest[..<separator]
        guard let colon = authority.firstIndex(of: ":") else { return nil }
        let afterColon = authority[authority.index(after: colon)...]
        let looksLikePorts = !afterColon.isEmpty && afterColon.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ",") }
        return looksLikePorts ? nil : at
    }

    // MARK: Keyword/value form

    /// Walks `keyword = value` pairs the way libpq's `conninfo_parse` does (values may be
    /// single-quoted; backslash escapes a quote or backslash) and masks password values in place,
    /// keeping everything else byte for byte.
    static func redactedKeywordValue(_ s: String, secrets: inout [String]) -> String {
        let chars = Array(s)
        var output = ""
        var i = 0
        func isSpace(_ c: Character) -> Bool { c.isWhitespace }

        while i < chars.count {
            // Whitespace between pairs.
            let pairStart = i
            while i < chars.count, isSpace(chars[i]) { i += 1 }
            output += String(chars[pairStart..<i])
            if i == chars.count { break }

            // Keyword, up to `=` or whitespace.
            let keywordStart = i
            while i < chars.count, chars[i] != "=", !isSpace(chars[i]) { i += 1 }
            let keyword = String(chars[keywordStart..<i]).lowercased()
            while i < chars.count, isSpace(chars[i]) { i += 1 }
            guard i < chars.count, chars[i] == "=" else {
                // Malformed: libpq would reject it anyway; mask the rest to be safe.
                output += mask
                return output
            }
            i += 1
            while i < chars.count, isSpace(chars[i]) { i += 1 }
            output += String(chars[keywordStart..<i])

            // Value: quoted (until an unescaped quote) or bare (until unescaped whitespace).
            let valueStart = i
            if i < chars.count, chars[i] == "'" {
                i += 1
                var closed = false
                while i < chars.count {
                    if chars[i] == "\\", i + 1 < chars.count { i += 2; continue }
                    if chars[i] == "'" { i += 1; closed = true; break }
                    i += 1
                }
                if !closed { output += mask; return output }
            } else {
                while i < chars.count, !isSpace(chars[i]) {
                    if chars[i] == "\\", i + 1 < chars.count { i += 2 } else { i += 1 }
                }
            }
            let value = String(chars[valueStart..<i])
            switch keyword {
            case "password":
                output += mask
                secrets += [value, unquoted(value)]
            case "dbname" where value.contains("=") || value.contains("://"):
                // libpq expands a dbname that is itself a connection string, password included.
                if value.count >= 2, value.first == "'", value.last == "'" {
                    output += "'" + redacted(String(value.dropFirst().dropLast()), secrets: &secrets) + "'"
                } else {
                    output += redacted(value, secrets: &secrets)
                }
            default: output += value
            }
        }
        return output
    }

    // MARK: Decoding, for recognising a password in libpq's messages

    /// `%XX` sequences decoded (as libpq does for URI components); invalid ones kept as they are.
    static func percentDecoded(_ s: String) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(s.utf8)
        var i = 0
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "%"), i + 2 < utf8.count, let high = hex(utf8[i + 1]), let low = hex(utf8[i + 2]) {
                bytes.append(high << 4 | low)
                i += 3
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A keyword/value value without its single quotes and backslash escapes.
    static func unquoted(_ value: String) -> String {
        var body = Substring(value)
        if body.count >= 2, body.first == "'", body.last == "'" { body = body.dropFirst().dropLast() }
        var result = ""
        var escaped = false
        for character in body {
            if !escaped, character == "\\" {
                escaped = true
                continue
            }
            escaped = false
            result.append(character)
        }
        return result
    }
}

extension String {
    /// Every occurrence of `target` replaced (non-overlapping, left to right); no Foundation needed.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}
