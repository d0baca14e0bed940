import Foundation
import Logging

/// One JSON object per line on stderr, for log shippers (`--log-format json`). Metadata values
/// are written as strings; nothing secret is ever put into metadata by this program.
package struct JSONLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level = .info
    private let label: String
    private let write: @Sendable (String) -> Void

    package init(label: String, write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.label = label
        self.write = write
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            fields[key] = "\(value)"
        }
        if let line = Self.line(level: event.level.rawValue, logger: label, message: "\(event.message)", fields: fields) { write(line) }
    }

    /// One log line as JSON: time, level, logger, message and the fields, keys sorted. Also
    /// used for what the command writes itself (the run summary, an error), so that with
    /// `--log-format json` every line on stderr parses.
    package static func line(level: String, logger: String, message: String, fields: [String: String] = [:]) -> String? {
        var object = fields
        object["time"] = Timestamp.now().rfc3339
        object["level"] = level
        object["logger"] = logger
        object["message"] = message
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
