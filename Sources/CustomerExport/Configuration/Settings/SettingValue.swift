import CustomerExportCommon

/// A setting's value as given, before it is parsed: text from a flag or a YAML scalar, or a list
/// from a repeatable flag or a YAML sequence. Every source (flag, pipeline file, environment) gives
/// one of these, so one parser per setting reads them all and names the source when it refuses.
package enum SettingValue: Sendable, Equatable {
    case text(String)
    case list([String])

    /// Every text it holds: the one of a scalar, each of a list.
    var texts: [String] {
        switch self {
        case let .text(text): [text]
        case let .list(items): items
        }
    }

    /// The text a scalar parser reads; a list is refused by the parsers that want one value.
    package var text: String? {
        if case let .text(text) = self { return text }
        return nil
    }
}

/// The flags one command was given, by flag name (`--page-size`), plus the mode its subcommand
/// chose. A flag not given is absent: it neither replaces the pipeline file's value nor the
/// stored run's. The CLI fills this from its options; `RunSettings` applies it in one step.
package struct RunOverrides: Sendable {
    /// Chosen by the subcommand (`backfill`, `run`, `reconcile`), not by a flag.
    package var mode: RunMode?
    package private(set) var flags: [String: SettingValue] = [:]

    package init() {}

    package subscript(flag: String) -> SettingValue? { flags[flag] }

    /// Records `--flag value` when the option was given (a nil value means it was not).
    package mutating func set(_ flag: String, _ value: (some CustomStringConvertible)?) {
        if let value { flags[flag] = .text(value.description) }
    }

    /// Records a repeatable flag when it was given at least once.
    package mutating func set(_ flag: String, list: [some CustomStringConvertible]) {
        if !list.isEmpty { flags[flag] = .list(list.map(\.description)) }
    }

    /// Records a switch (`--restart`) when it is on; off means "not given".
    package mutating func set(_ flag: String, switch on: Bool) {
        if on { flags[flag] = .text("true") }
    }
}
