
/// The settings reference in `docs/configuration.md`, written from the declarations so that it
/// cannot fall behind them (`ConfigurationDocsTests` compares the two and can rewrite the file).
extension RunSettings {
    package static let referenceStart = "<!-- settings: generated from RunSettings.all; CUSTOMER_EXPORT_UPDATE_DOCS=1 scripts/test --filter ConfigurationDocsTests rewrites it -->"
    package static let referenceEnd = "<!-- settings end -->"

    /// One row per setting: pipeline key, flag, default, whether workers read it from the run, meaning.
    package static var referenceTable: String {
        var lines = [
            "| pipeline key | flag | default | kept with the run | meaning |",
            "|---|---|---|---|---|",
        ]
        for setting in all {
            var shown = defaultValue(of: setting)
            if let variable = setting.environment { shown = "`$\(variable)`" } else if !shown.isEmpty { shown = "`\(shown)`" }
            let modes = setting.modes.map { " (\($0.map(\.rawValue).sorted().joined(separator: ", ")) only)" } ?? ""
            let cells = [
                setting.key.map { "`\($0)`" } ?? "—",
                setting.flag.map { "`\($0)`" } ?? "—",
                shown.isEmpty ? "—" : shown,
                setting.stored == nil ? "no" : "yes",
                (setting.help + modes).replacingOccurrences(of: "|", with: "\\|"),
            ]
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
