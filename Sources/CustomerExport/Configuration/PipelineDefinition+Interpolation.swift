import Yams
import CustomerExportCommon

/// `${NAME}` in a pipeline file: substituted into parsed values, never into the text.
extension PipelineDefinition {
    package static func missing(_ name: String, source: String, key: String?, flag: String? = nil) -> ExportError {
        let used = key.map { " for `\($0)`" } ?? ""
        let instead = flag.map { ", or pass \($0)" } ?? ""
        return .configuration("\(source) uses ${\(name)}\(used), which is not set; export it, give a default as ${\(name):-value}\(instead)")
    }

    /// The node with `${NAME}` replaced in every scalar. A plain scalar's type is resolved
    /// again from its new text (`key: ${NUMBER}` becomes a number); a quoted one stays a string.
    package static func interpolate(
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
    package static func masking(_ text: String) -> (String, [String]) {
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

    package static let maskPrefix = "CEVAR9f1c"

    /// The scalar's text with its placeholders put back.
    package static func unmasking(_ text: String, _ expressions: [String]) -> String {
        guard !expressions.isEmpty, text.contains(maskPrefix) else { return text }
        var result = text
        for (index, expression) in expressions.enumerated().reversed() {
            result = result.replacingOccurrences(of: "\(maskPrefix)\(index)_", with: expression)
        }
        return result
    }

    /// Where a YAML or decoding error happened, without the text there.
    package static func position(of error: any Error) -> String {
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
    package static func interpolate(_ text: String, source: String, environment: [String: String]) throws(ExportError) -> (String, [String]) {
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
