import ArgumentParser
import Foundation
import CustomerExport
import Logging

/// What the run says and where: logs on stderr (text or JSON lines), a JSON report file.
struct OutputOptions: ParsableArguments {
    enum LogFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: ArgumentHelp("Write the run report as JSON to this file.", valueName: "file"))
    var report: String?

    @Option(help: ArgumentHelp("Write the run's metrics in Prometheus text format to this file (node_exporter textfile collector).", valueName: "file"))
    var metricsFile: String?

    @Flag(inversion: .prefixedNo, help: "Draw a live progress line on stderr (default: only when stderr is a terminal).")
    var progress: Bool?

    @Flag(help: "Print the plan (windows, API totals, pages, time estimate) and write nothing.")
    var dryRun = false

    /// The live line is text; with `--log-format json` stderr carries JSON lines only.
    var showsProgress: Bool { logFormat == .text && (progress ?? (isatty(STDERR_FILENO) == 1)) }

    /// The summary, errors and notices, in the log format.
    var console: Console { Console(json: logFormat == .json) }

    @Option(help: "Log format on stderr: text or json.")
    var logFormat: LogFormat = .text

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "warning"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level \"\(logLevel)\" is not a level; use one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func makeLogger() -> Logger {
        let level = Logger.Level(rawValue: logLevel) ?? .warning
        let format = logFormat
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "customer-export")
    }
}
