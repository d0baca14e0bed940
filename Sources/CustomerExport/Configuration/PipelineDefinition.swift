import Foundation
import Yams

/// A pipeline file (`pipelines/NAME.yml`): everything about a recurring export except secrets.
///
/// ```yaml
/// pipeline: nightly
/// mode: incremental            # or backfill
/// api:
///   url: ${CUSTOMERS_API_URL:-http://127.0.0.1:8080}
///   pageSize: 200
///   filters: { types: [business, fleet] }
/// database:
///   url: ${DATABASE_URL}
///   targetTable: customers
/// incremental: { start: 2024-01-01, lookback: 1h, lag: 1m, window: 1d }
/// concurrency: 8
/// loaders: 4
/// ```
/// `${NAME}` and `${NAME:-default}` are replaced from the environment before parsing; an unknown
/// key anywhere is an error (a typo must not silently fall back to a default).
public struct PipelineDefinition: Sendable, Equatable, Codable {
    public struct API: Sendable, Equatable, Codable {
        public var url: String?
        public var path: String?
        /// Environment variable holding the token (default `CUSTOMERS_API_TOKEN`).
        public var tokenEnv: String?
        public var tokenFile: String?
        public var authHeader: String?
        public var authScheme: String?
        public var envelope: ResponseEnvelope?
        public var pageSize: Int?
        public var arrayStyle: ArrayParameterStyle?
        public var timeout: String?
        public var connectTimeout: String?
        public var caFile: String?
        /// How long a failing request keeps retrying, e.g. `10m` (default).
        public var retryFor: String?
        /// An optional cap on attempts per request, on top of `retryFor`.
        public var maxAttempts: Int?
        public var readAhead: Int?
        /// The largest response body read; larger pages are read again in smaller ones.
        public var maxResponseBytes: Int?
        public var filters: CustomerFilters?
    }

    public struct Database: Sendable, Equatable, Codable {
        public var url: String?
        public var targetSchema: String?
        public var targetTable: String?
        public var stateSchema: String?
        public var history: Bool?
        /// How long a lost connection is reopened before the run ends, e.g. `10m` (default).
        public var retryFor: String?
        /// How long one statement waits for another session's lock before trying again (`10s`).
        public var lockTimeout: String?
    }

    public struct Backfill: Sendable, Equatable, Codable {
        public var from: String?
        public var to: String?
        public var window: String?
    }

    public struct Incremental: Sendable, Equatable, Codable {
        public var start: String?
        public var lookback: String?
        public var lag: String?
        public var window: String?
    }

    public var pipeline: String
    public var mode: RunMode?
    public var api: API?
    public var database: Database?
    public var backfill: Backfill?
    public var incremental: Incremental?
    public var concurrency: Int?
    /// Loader threads, each with its own database connection (default 4).
    public var loaders: Int?
    /// About how many records a window holds when windows are sized by rows (`--window-rows`).
    public var windowRows: Int?
    public var maxWindowRows: Int?
    public var maxReadAttempts: Int?
    public var maxStringBytes: Int?
    /// Environment variables the file uses that are not set (and have no default). Their
    /// `${NAME}` stays in the value: a flag that replaces that value makes it harmless, and
    /// `resolved(_:key:flag:)` turns a value still used into the sentence naming the variable.
    public var unresolved: [String] = []
    /// Where the file was read from, for messages.
    public var source = ""

    enum CodingKeys: String, CodingKey {
        case pipeline, mode, api, database, backfill, incremental, concurrency, loaders, windowRows, maxWindowRows, maxReadAttempts, maxStringBytes
    }

    /// Reads, interpolates, checks keys and decodes a pipeline file.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ExportError) -> PipelineDefinition {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .configuration("cannot read the pipeline file \(path); check the path")
        }
        return try parse(String(decoding: data, as: UTF8.self), source: path, environment: environment)
    }

    /// `${NAME}` is substituted into the parsed values, never into the text: a value holding
    /// `: ` or `#` (a DSN's password) cannot change the YAML's structure, and no parse error can
    /// quote one. Parse errors give the line and column only, since the file may hold secrets too.
    public static func parse(_ text: String, source: String, environment: [String: String]) throws(ExportError) -> PipelineDefinition {
        // Each `${...}` is a plain placeholder while the YAML is parsed (so `{ pageSize: ${PAGE} }`
        // stays a flow mapping), and is put back and substituted in the parsed scalar.
        let (masked, expressions) = Self.masking(text)
        let composed: Node?
        do {
            composed = try Yams.compose(yaml: masked)
        } catch {
            throw .configuration("\(source) is not valid YAML (\(Self.position(of: error))); check its indentation, colons and quotes there")
        }
        var unresolved: [String] = []
        let root = try composed.map { (node) throws(ExportError) in
            try interpolate(node, expressions: expressions, source: source, environment: environment, unresolved: &unresolved)
        }
        let node: Any? = root?.any
        guard let mapping = node as? [String: Any] else {
            throw .configuration("\(source) must be a YAML mapping with at least `pipeline: NAME`")
        }
        try PipelineKeys.check(mapping, against: PipelineKeys.root, path: "", source: source)
        // A list filter that is present but empty would filter out everything: never meant.
        let filters = (mapping["api"] as? [String: Any])?["filters"] as? [String: Any]
        for key in ["types", "customerIds"] {
            if let list = filters?[key] as? [Any], list.isEmpty {
                throw .configuration("\(source): `api.filters.\(key)` is an empty list, which would export nothing; remove the key or list at least one value")
            }
        }
        var definition: PipelineDefinition
        do {
            guard let root else { throw ExportError.configuration("\(source) is empty") }
            definition = try YAMLDecoder().decode(PipelineDefinition.self, from: root)
        } catch let DecodingError.keyNotFound(key, _) {
            throw .configuration("\(source) is missing `\(key.stringValue)`; add it")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.dataCorrupted(context) {
            // A `${NAME}` left in a number or a flag cannot be decoded: the variable is the cause.
            if let name = unresolved.first { throw missing(name, source: source, key: nil) }
            let where_ = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .configuration("\(source): `\(where_)` has the wrong type or value (\(context.debugDescription))")
        } catch let error as ExportError {
            throw error
        } catch {
            throw .configuration("\(source) could not be read (\(Self.position(of: error))); check the value there")
        }
        definition.unresolved = unresolved
        definition.source = source
        return definition
    }

    /// A value taken from the file, checked for a variable that is not set; `flag` is the one
    /// that would replace it.
    public func resolved(_ value: String?, key: String, flag: String?) throws(ExportError) -> String? {
        guard let value else { return nil }
        for name in unresolved where value.contains("${\(name)") {
            throw Self.missing(name, source: source, key: key, flag: flag)
        }
        return value
    }

    static func missing(_ name: String, source: String, key: String?, flag: String? = nil) -> ExportError {
        let used = key.map { " for `\($0)`" } ?? ""
        let instead = flag.map { ", or pass \($0)" } ?? ""
        return .configuration("\(source) uses ${\(name)}\(used), which is not set; export it, give a default as ${\(name):-value}\(instead)")
    }

    /// The node with `${NAME}` replaced in every scalar. A plain scalar's type is resolved
    /// again from its new text (`pageSize: ${PAGE}` becomes a number); a quoted one stays a string.
    static func interpolate(
        _ node: Node, expressions: [String], source: String, environment: [String: String], unresolved: inout [String]
    ) throws(ExportError) -> Node {
        switch node {
        case let .scalar(scalar):
            let unmasked = unmasking(scalar.string, expressions)
            guard unmasked.contains("${") else { return node }
            let (text, missing) = try interpolate(unmasked, source: source, environment: environment)
            for name in missing where !unresolved.contains(name) { unresolved.append(name) }
            let tag = scalar.style == .plain || scalar.style == .any ? Tag(.implicit) : scalar.tag
            return .scalar(Node.Scalar(text, tag, scalar.style, scalar.mark))
        case let .mapping(mapping):
            var pairs: [(Node, Node)] = []
            for (key, value) in mapping {
                pairs.append((key, try interpolate(value, expressions: expressions, source: source, environment: environment, unresolved: &unresolved)))
            }
            return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
        case let .sequence(sequence):
            var items: [Node] = []
            for item in sequence {
                items.append(try interpolate(item, expressions: expressions, source: source, environment: environment, unresolved: &unresolved))
            }
            return .sequence(Node.Sequence(items, sequence.tag, sequence.style, sequence.mark))
        case .alias:
            return node
        }
    }

    /// `text` with every complete `${...}` replaced by `CEVARn_`, and the expressions in order.
    static func masking(_ text: String) -> (String, [String]) {
        var output = ""
        var expressions: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "${"), let close = rest[open.upperBound...].firstIndex(of: "}") {
            output += rest[..<open.lowerBound] + "\(maskPrefix)\(expressions.count)_"
            expressions.append(String(rest[open.lowerBound...close]))
            rest = rest[rest.index(after: close)...]
        }
        return (output + rest, expressions)
    }

    static let maskPrefix = "CEVAR9f1c"

    /// The scalar's text with its placeholders put back.
    static func unmasking(_ text: String, _ expressions: [String]) -> String {
        guard !expressions.isEmpty, text.contains(maskPrefix) else { return text }
        var result = text
        for (index, expression) in expressions.enumerated().reversed() {
            result = result.replacingOccurrences(of: "\(maskPrefix)\(index)_", with: expression)
        }
        return result
    }

    /// Where a YAML or decoding error happened, without the text there.
    static func position(of error: any Error) -> String {
        switch error {
        case let YamlError.scanner(_, problem, mark, _), let YamlError.parser(_, problem, mark, _), let YamlError.composer(_, problem, mark, _):
            return "line \(mark.line), column \(mark.column): \(problem)"
        case let DecodingError.dataCorrupted(context), let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            return "at `\(context.codingPath.map(\.stringValue).joined(separator: "."))`"
        default:
            return "it cannot be parsed"
        }
    }

    /// Replaces `${NAME}` and `${NAME:-default}`; an unset variable without default stays as
    /// written and is returned by name (an error only if its value is used, see `resolved`).
    static func interpolate(_ text: String, source: String, environment: [String: String]) throws(ExportError) -> (String, [String]) {
        var output = ""
        var unresolved: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                throw .configuration("\(source) has an unterminated ${ in it")
            }
            let expression = rest[open.upperBound..<close]
            let name: Substring
            var fallback: Substring?
            if let separator = expression.range(of: ":-") {
                name = expression[..<separator.lowerBound]
                fallback = expression[separator.upperBound...]
            } else {
                name = expression
            }
            if let value = environment[String(name)], !value.isEmpty {
                output += value
            } else if let fallback {
                output += fallback
            } else {
                output += "${\(name)}"
                if !unresolved.contains(String(name)) { unresolved.append(String(name)) }
            }
            rest = rest[rest.index(after: close)...]
        }
        return (output + rest, unresolved)
    }
}

/// The keys a pipeline file may contain, for the unknown-key check.
enum PipelineKeys {
    indirect enum Shape { case leaf, mapping([String: Shape]) }

    static let filters: Shape = .mapping(["types": .leaf, "customerIds": .leaf, "parentId": .leaf, "ownerId": .leaf, "operatorId": .leaf, "search": .leaf])
    static let root: [String: Shape] = [
        "pipeline": .leaf, "mode": .leaf, "concurrency": .leaf, "loaders": .leaf, "windowRows": .leaf, "maxWindowRows": .leaf, "maxReadAttempts": .leaf, "maxStringBytes": .leaf,
        "api": .mapping([
            "url": .leaf, "path": .leaf, "tokenEnv": .leaf, "tokenFile": .leaf, "authHeader": .leaf, "authScheme": .leaf,
            "envelope": .leaf, "pageSize": .leaf, "arrayStyle": .leaf, "timeout": .leaf, "connectTimeout": .leaf,
            "caFile": .leaf, "retryFor": .leaf, "maxAttempts": .leaf, "readAhead": .leaf, "maxResponseBytes": .leaf, "filters": filters,
        ]),
        "database": .mapping(["url": .leaf, "targetSchema": .leaf, "targetTable": .leaf, "stateSchema": .leaf, "history": .leaf, "retryFor": .leaf, "lockTimeout": .leaf]),
        "backfill": .mapping(["from": .leaf, "to": .leaf, "window": .leaf]),
        "incremental": .mapping(["start": .leaf, "lookback": .leaf, "lag": .leaf, "window": .leaf]),
    ]

    static func check(_ mapping: [String: Any], against allowed: [String: Shape], path: String, source: String) throws(ExportError) {
        for (key, value) in mapping.sorted(by: { $0.key < $1.key }) {
            let here = path.isEmpty ? key : path + "." + key
            guard let shape = allowed[key] else {
                let known = allowed.keys.sorted().joined(separator: ", ")
                throw .configuration("\(source) has an unknown key `\(here)`; the keys allowed there are: \(known)")
            }
            if case let .mapping(children) = shape, let nested = value as? [String: Any] {
                try check(nested, against: children, path: here, source: source)
            }
        }
    }
}
