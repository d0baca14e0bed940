import Foundation
import Yams
import CustomerExportCommon

/// A pipeline file (`pipelines/NAME.yml`): everything about a recurring export except secrets.
///
/// Its keys are the declarations' (`RunSettings.all`; the reference is `docs/configuration.md`,
/// the shipped examples are in `pipelines/`). `${NAME}` and `${NAME:-default}` are replaced from
/// the environment in the parsed values; an unknown key anywhere is an error (a typo must not
/// silently fall back to a default).
package struct PipelineDefinition: Sendable, Equatable {
    /// The pipeline's name (`pipeline:`, the one key every file needs).
    package var pipeline: String
    /// Every other value by its dotted key (`section.key`), as written: parsed and checked by its
    /// declaration in `RunSettings`, which also decides which keys exist.
    package var values: [String: SettingValue]
    /// Environment variables the file uses that are not set (and have no default). Their
    /// `${NAME}` stays in the value: a flag that replaces that value makes it harmless, and
    /// `checkResolved` turns a value still used into the sentence naming the variable.
    package var unresolved: [String] = []
    /// Where the file was read from, for messages.
    package var source = ""

    /// Reads, interpolates, checks keys and values of a pipeline file.
    package static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ExportError) -> PipelineDefinition {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .configuration("cannot read the pipeline file \(path); check the path")
        }
        return try parse(String(decoding: data, as: UTF8.self), source: path, environment: environment)
    }

    /// `${NAME}` is substituted into the parsed values, never into the text: a value holding
    /// `: ` or `#` (a DSN's password) cannot change the YAML's structure, and no parse error can
    /// quote one. Parse errors give the line and column only, since the file may hold secrets too.
    package static func parse(_ text: String, source: String, environment: [String: String]) throws(ExportError) -> PipelineDefinition {
        // Each `${...}` is a plain placeholder while the YAML is parsed (so `{ key: ${VALUE} }`
        // stays a flow mapping), and is put back and substituted in the parsed scalar.
        let (masked, expressions) = Self.masking(text)
        let composed: Node?
        do {
            composed = try Yams.compose(yaml: masked)
        } catch {
            throw .configuration("\(source) is not valid YAML (\(Self.position(of: error))); check its indentation, colons and quotes there")
        }
        var unresolved: [String] = []
        guard let composed else { throw .configuration("\(source) is empty") }
        let root = try interpolate(composed, expressions: expressions, source: source, environment: environment, unresolved: &unresolved)
        guard case let .mapping(mapping) = root else {
            throw .configuration("\(source) must be a YAML mapping with at least `pipeline: NAME`")
        }
        var values: [String: SettingValue] = [:]
        try PipelineKeys.flatten(mapping, path: "", source: source, into: &values)
        guard case let .text(name)? = values.removeValue(forKey: "pipeline"), !name.isEmpty else {
            throw .configuration("\(source) is missing `pipeline`; add it")
        }
        let definition = PipelineDefinition(pipeline: name, values: values, unresolved: unresolved, source: source)
        try definition.checkValues()
        return definition
    }

    /// Every value that uses no unset variable is parsed now, so a bad value is refused when the
    /// file is read, named by its key, whatever the command; one with an unset variable waits
    /// until it is used (a flag may replace it).
    package func checkValues() throws(ExportError) {
        var scratch = RunRequest.defaults
        for setting in RunSettings.all {
            guard let key = setting.key, let value = values[key], !usesUnresolved(value) else { continue }
            try setting.apply(&scratch, value, key)
        }
    }

    private func usesUnresolved(_ value: SettingValue) -> Bool {
        unresolved.contains { name in value.texts.contains { $0.contains("${\(name)") } }
    }

    /// A value about to be used, refused if it still holds a variable that is not set; `flag`
    /// is the one that would replace it.
    package func checkResolved(_ value: SettingValue, key: String, flag: String?) throws(ExportError) {
        for name in unresolved where value.texts.contains(where: { $0.contains("${\(name)") }) {
            throw Self.missing(name, source: source, key: key, flag: flag)
        }
    }

    /// The file's value for `key` as text, for commands that read one setting directly.
    package func text(_ key: String) -> String? { values[key]?.text }
}
