import Yams
import CustomerExportCommon

/// The keys a pipeline file may hold: exactly the declarations' keys (`RunSettings.all`) and the
/// sections above them. An unknown key anywhere is an error, since a typo must not silently fall
/// back to a default.
package enum PipelineKeys {
    /// Every declared key (`section.key`).
    package static var leaves: Set<String> { Set(RunSettings.all.compactMap(\.key)) }

    /// The sections the keys sit in (`api`, `api.filters`, `database`, …).
    package static var sections: Set<String> {
        Set(leaves.flatMap { key in
            let parts = key.split(separator: ".")
            return (1..<max(parts.count, 1)).map { parts.prefix($0).joined(separator: ".") }
        })
    }

    /// The mapping's values by their dotted key; a YAML null (`key:` alone, `~`) is no value.
    package static func flatten(_ mapping: Node.Mapping, path: String, source: String, into values: inout [String: SettingValue]) throws(ExportError) {
        let (leaves, sections) = (Self.leaves, Self.sections)
        for (keyNode, node) in mapping {
            let key = keyNode.scalar?.string ?? ""
            let here = path.isEmpty ? key : path + "." + key
            if sections.contains(here) {
                if isNull(node) { continue }
                guard case let .mapping(children) = node else {
                    throw .configuration("\(source): `\(here)` must be a mapping of settings (e.g. `\(here):` followed by indented keys)")
                }
                try flatten(children, path: here, source: source, into: &values)
            } else if leaves.contains(here) || here == "pipeline" {
                if isNull(node) { continue }
                switch node {
                case let .scalar(scalar): values[here] = .text(scalar.string)
                case let .sequence(items): values[here] = .list(items.map { $0.scalar?.string ?? "" })
                default: throw .configuration("\(source): `\(here)` must be a value or a list, not a mapping")
                }
            } else {
                let siblings = (leaves.union(sections).union(["pipeline"])).filter { candidate in
                    let parent = candidate.split(separator: ".").dropLast().joined(separator: ".")
                    return parent == path
                }
                let known = siblings.map { $0.split(separator: ".").last.map(String.init) ?? $0 }.sorted().joined(separator: ", ")
                throw .configuration("\(source) has an unknown key `\(here)`; the keys allowed there are: \(known)")
            }
        }
    }

    private static func isNull(_ node: Node) -> Bool {
        guard case let .scalar(scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }
}
