import Foundation
import CustomerExportCommon

/// How one kind of setting is read, checked, shown and stored: the parser takes what a flag, a
/// pipeline file or the environment gave (`name` is the flag or key, for the sentence that
/// refuses it), `show` writes a value as a user would (the defaults in `--help` and the
/// reference), and `encode`/`decode` keep it in `runs.params` for workers.
///
/// ```swift
/// let pages = SettingCodec.count(atLeast: 1, hint: "use the server's maximum")
/// try pages.parse(.text("0"), "--page-size")   // "--page-size must be at least 1 (it is 0); use …"
/// ```
///
/// A codec made without a hint (`hinted` false) leaves the hint to its `Setting`, which ends
/// the refusal with the setting's default as `show` writes it: the default stays written once.
package struct SettingCodec<Value> {
    package let parse: (SettingValue, String) throws(ExportError) -> Value
    package let show: (Value) -> String
    package let encode: (Value) -> StoredValue?
    package let decode: (StoredValue) -> Value?
    /// Whether a refusal already says what to use instead; if not, the setting adds its default.
    package var hinted = true

    /// The same values, checked further (a range, a rule between parts).
    package func checked(_ check: @escaping (Value, String) throws(ExportError) -> Void) -> SettingCodec<Value> {
        let parse = self.parse
        return SettingCodec(parse: { (value, name) throws(ExportError) in
            let parsed = try parse(value, name)
            try check(parsed, name)
            return parsed
        }, show: show, encode: encode, decode: decode, hinted: hinted)
    }

    /// The value or nothing: nothing is the default, shown as `none`, and not stored.
    package var optional: SettingCodec<Value?> {
        let (parse, show, encode, decode) = (self.parse, self.show, self.encode, self.decode)
        return SettingCodec<Value?>(
            parse: { (value, name) throws(ExportError) in try parse(value, name) },
            show: { $0.map(show) ?? "none" },
            encode: { $0.flatMap(encode) },
            decode: { stored in stored == .null ? .some(nil) : decode(stored).map { .some($0) } }, hinted: hinted)
    }

    /// The one text a scalar setting takes.
    package static func scalar(_ value: SettingValue, _ name: String) throws(ExportError) -> String {
        guard let text = value.text else { throw .configuration("\(name) takes one value, not a list") }
        return text
    }
}

extension SettingCodec where Value == String {
    package static var text: Self {
        SettingCodec(parse: { (value, name) throws(ExportError) in try scalar(value, name) }, show: { $0 }, encode: { .string($0) }, decode: { $0.string })
    }
}

extension SettingCodec where Value == Int {
    /// A whole number of at least `minimum`; `hint` ends the refusal with what to use instead
    /// (without one, the setting's default does).
    package static func count(atLeast minimum: Int, hint: String? = nil) -> Self {
        let hint = hint.map { "; \($0)" } ?? ""
        return SettingCodec(parse: { (value, name) throws(ExportError) in
            let text = try scalar(value, name)
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw .configuration("\(name) \"\(text)\" is not a whole number\(hint)")
            }
            guard number >= minimum else { throw .configuration("\(name) must be at least \(minimum) (it is \(number))\(hint)") }
            return number
        }, show: { String($0) }, encode: { .integer(Int64($0)) }, decode: { $0.integer.map { Int($0) } }, hinted: !hint.isEmpty)
    }
}

extension SettingCodec where Value == Double {
    /// A rate in requests per second, above zero.
    package static var rate: Self {
        SettingCodec(parse: { (value, name) throws(ExportError) in
            let text = try scalar(value, name)
            guard let rate = Double(text), rate > 0, rate.isFinite else {
                throw .configuration("\(name) must be a positive number of requests per second (got \(text))")
            }
            return rate
        }, show: { String($0) }, encode: { .number($0) }, decode: { $0.number })
    }
}

extension SettingCodec where Value == Bool {
    package static var bool: Self {
        SettingCodec(parse: { (value, name) throws(ExportError) in
            switch try scalar(value, name).lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            case let text: throw .configuration("\(name) \"\(text)\" is not true or false")
            }
        }, show: { String($0) }, encode: { .bool($0) }, decode: { $0.bool })
    }
}

extension SettingCodec where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
    /// One of the type's cases by its raw value; the refusal lists them.
    package static var choice: Self {
        SettingCodec(parse: { (value, name) throws(ExportError) in
            let text = try scalar(value, name)
            guard let choice = Value(rawValue: text) else {
                throw .configuration("\(name) \"\(text)\" is not one of: \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return choice
        }, show: { $0.rawValue }, encode: { .string($0.rawValue) }, decode: { $0.string.flatMap(Value.init(rawValue:)) })
    }
}

extension SettingCodec where Value == TimeSpan {
    /// How a duration is kept in `runs.params`: seconds for most, nanoseconds for the window
    /// size (as the first versions stored them, so their runs still load).
    package enum Unit { case seconds, nanoseconds }

    /// A duration such as `90s`, `15m`, `1h`, `1d`, of at least `minimum`.
    package static func span(atLeast minimum: TimeSpan, storedIn unit: Unit = .seconds, hint: String? = nil) -> Self {
        let hint = hint.map { "; \($0)" } ?? ""
        return SettingCodec(parse: { (value, name) throws(ExportError) in
            let text = try scalar(value, name)
            guard let span = TimeSpan(parsing: text) else {
                throw .configuration("\(name) \"\(text)\" is not a duration; use a whole number with s, m, h or d, such as 90s, 15m, 1h or 1d")
            }
            guard span >= minimum else {
                let least = switch minimum.nanoseconds {
                case 2...: "a duration of at least \(minimum)"
                case 1: "a positive duration"
                default: "a duration of zero or more"
                }
                throw .configuration("\(name) must be \(least) (it is \(text))\(hint)")
            }
            return span
        }, show: { $0.description }, encode: { span in
            unit == .seconds ? .number(span.seconds) : .integer(span.nanoseconds)
        }, decode: { stored in
            switch unit {
            case .seconds: return stored.number.map { TimeSpan(nanoseconds: Int64($0 * 1e9)) }
            case .nanoseconds: return stored.integer.map(TimeSpan.init(nanoseconds:))
            }
        }, hinted: !hint.isEmpty)
    }
}

extension SettingCodec where Value == Timestamp {
    /// A date (`2024-01-01`) or an RFC 3339 timestamp; `endOfRange` makes a full timestamp
    /// include its instant, while a date alone ends the range before that day.
    package static func instant(endOfRange: Bool = false) -> Self {
        SettingCodec(parse: { (value, name) throws(ExportError) in
            let text = try scalar(value, name)
            guard let instant = Timestamp(dateOrTimestamp: text) else {
                throw .configuration("\(name) \"\(text)\" is not a date (YYYY-MM-DD) or an RFC 3339 timestamp (2024-01-01T00:00:00Z) between 1678 and 2261")
            }
            return endOfRange && !Timestamp.isDateOnly(text) ? instant.adding(nanoseconds: 1_000) : instant
        }, show: { $0.rfc3339 }, encode: { .string($0.rfc3339) }, decode: { $0.string.flatMap(Timestamp.init(dateOrTimestamp:)) })
    }
}
