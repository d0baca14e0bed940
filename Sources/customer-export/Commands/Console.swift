import CustomerExport
import Foundation

/// What the command itself writes on stderr besides its logs: the run's summary, the error
/// sentence, the notice that a signal arrived. As text for people and cron mail, or, with
/// `--log-format json`, as JSON lines like the logs, so that every line on stderr parses.
struct Console: Sendable {
    var json: Bool

    func summary(_ report: RunReport) {
        if json {
            let level = report.exitCode == 0 ? "notice" : report.exitCode == 5 || report.exitCode == 6 ? "warning" : "error"
            write(JSONLogHandler.line(level: level, logger: "customer-export", message: "run finished", fields: report.fields))
        } else {
            write(report.summary)
        }
    }

    func error(_ message: String) {
        write(json ? JSONLogHandler.line(level: "error", logger: "customer-export", message: message) : "error: \(message)")
    }

    func notice(_ message: String) {
        write(json ? JSONLogHandler.line(level: "notice", logger: "customer-export", message: message) : "customer-export: \(message)")
    }

    private func write(_ line: String?) {
        guard let line else { return }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
