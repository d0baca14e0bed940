import ArgumentParser
import CustomerExport
@preconcurrency import Dispatch
import Foundation
import Logging

/// The part every run-like command shares: signals, the pipeline, the summary and the report.
enum RunExecution {
    /// Runs `body` and, whatever way it ends after the arguments parsed (a configuration error,
    /// a refused token, a database that is down, a held lock, a signal), leaves the report and
    /// metrics files behind with the exit code, the status and the error sentence, so that an
    /// alert on them also sees the runs that never started. `pipeline` and `mode` name the run
    /// until `body` knows better (`ExitContext.known`).
    static func reportingEveryExit(output: OutputOptions, pipeline: String, mode: RunMode, _ body: (ExitContext) throws -> Void) throws {
        let context = ExitContext(pipeline: pipeline, mode: mode)
        do {
            try body(context)
        } catch let error as ExportError {
            output.console.error(error.message)
            if !context.reported {
                context.reported = true
                var report = RunReport(pipeline: context.pipeline, mode: context.mode, field: context.mode == .incremental ? .updatedAt : .createdAt)
                report.status = error.exitCode == 5 ? "interrupted" : error.exitCode == 6 ? "locked" : "failed"
                report.exitCode = error.exitCode
                report.message = error.message
                writeFiles(report, output: output) { path throws(ExportError) in try MetricsFile.write(report, to: path) }
            }
            throw ExitCode(error.exitCode)
        }
    }

    /// Runs the request to its end and exits with the run's code (0 only when every window is done).
    static func perform(_ request: RunRequest, output: OutputOptions, context: ExitContext, runFile: String? = nil) throws {
        context.known(request)
        try withPipeline(request, output: output) { pipeline in
            if output.dryRun {
                print(try pipeline.plan().rendered)
                context.reported = true
                return
            }
            if request.planOnly {
                let report = try pipeline.run()
                let id = report.runId ?? 0
                if let runFile { try RunFile.write(id, to: runFile) }
                output.console.notice("planned run \(id): \(report.windows.pending) windows of \(report.windowField) [\(report.rangeFrom), \(report.rangeTo)); start workers with: customer-export worker --run \(id)")
                print(id)
                context.reported = true
                return
            }
            try perform(pipeline, output: output, context: context) { try $0.run() }
        }
    }

    /// Builds the pipeline with logging and a cancellation token wired to SIGINT/SIGTERM.
    static func withPipeline(_ request: RunRequest, output: OutputOptions, _ body: (ExportPipeline) throws -> Void) throws {
        try withSignals(output: output) { cancellation, logger in
            try body(ExportPipeline(request: request, cancellation: cancellation, logger: logger))
        }
    }

    /// Runs `body` with the logger and a cancellation token wired to SIGINT/SIGTERM.
    static func withSignals(output: OutputOptions, _ body: (CancellationToken, Logger) throws -> Void) throws {
        let logger = output.makeLogger()
        let cancellation = CancellationToken()
        let signals = SignalTrap(cancellation: cancellation, console: output.console)
        defer { signals.release() }
        try body(cancellation, logger)
    }

    /// Runs `body` with the progress line, summary, report and metrics file around it; exits with the run's code.
    static func perform(_ pipeline: ExportPipeline, output: OutputOptions, context: ExitContext, _ body: (ExportPipeline) throws -> RunReport) throws {
        var pipeline = pipeline
        let report = try drawingProgress(output: output, stats: pipeline.requestStats, health: pipeline.health) { progress in
            pipeline.onPlanned = { progress.planned(windows: $0) }
            pipeline.onWindowCommitted = { _, read, _ in progress.committed(rows: read.rowsFetched) }
        } _: { try body(pipeline) }
        context.reported = true
        output.console.summary(report)
        try writeFilesOrFail(report, output: output) { path throws(ExportError) in try MetricsFile.write(report, to: path) }
        if report.exitCode != 0 {
            throw ExitCode(report.exitCode)
        }
    }

    /// Draws the live progress line while `body` runs, when the output asks for one (`connect`
    /// wires it to what `body` reports), and stops it whichever way `body` ends.
    static func drawingProgress<T>(
        output: OutputOptions, stats: RequestStats, health: ServiceHealth, connect: (ProgressLine) -> Void, _ body: () throws -> T
    ) throws -> T {
        guard output.showsProgress else { return try body() }
        let progress = ProgressLine(health: health) { stats.snapshot }
        connect(progress)
        let stop = progress.startDrawing()
        defer { stop() }
        return try body()
    }

    /// The report and metrics files of a command that ended (`metrics` writes the metrics file
    /// at the path given); a file that cannot be written is an error of its own (exit 2), since
    /// the alerting that reads it would otherwise go blind.
    static func writeFilesOrFail(
        _ report: some Encodable, output: OutputOptions, metrics: (String) throws(ExportError) -> Void
    ) throws(ExportError) {
        if let path = output.report { try ReportFile.write(report, to: path) }
        if let path = output.metricsFile { try metrics(path) }
    }

    /// The same on an early exit, where the exit code already says what went wrong.
    static func writeFiles(_ report: some Encodable, output: OutputOptions, metrics: (String) throws(ExportError) -> Void) {
        do throws(ExportError) {
            try writeFilesOrFail(report, output: output, metrics: metrics)
        } catch {
            output.console.error(error.message)
        }
    }
}

/// What a command knows about its run so far, for the report of an early exit.
final class ExitContext {
    var pipeline: String
    var mode: RunMode
    /// Set once the summary (or the error) was printed and the files written.
    var reported = false

    init(pipeline: String, mode: RunMode) {
        self.pipeline = pipeline
        self.mode = mode
    }

    func known(_ request: RunRequest) {
        pipeline = request.pipeline
        mode = request.mode
    }
}

/// The run id of `--plan-only`, written atomically for `worker --run-file`.
enum RunFile {
    static func write(_ id: Int64, to path: String) throws(ExportError) {
        do {
            try Data("\(id)\n".utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .configuration("cannot write the run file \(path): \(error.localizedDescription); check that its directory exists and is writable")
        }
    }
}

/// Writes a report atomically (temporary file + rename), so a watcher never reads half a report.
enum ReportFile {
    static func write(_ report: some Encodable, to path: String) throws(ExportError) {
        do {
            try json(report).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .configuration("cannot write the report to \(path): \(error.localizedDescription); check that its directory exists and is writable")
        }
    }

    /// Pretty JSON with sorted keys: reports, `--json` and `--dry-run --json`.
    static func json(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}

/// Turns SIGINT and SIGTERM into a cancellation: stop issuing requests, let the loader commit or
/// discard the windows in hand, and exit with the "interrupted, resumable" code. A second signal
/// exits at once (nothing is lost either way: uncommitted windows are simply read again).
final class SignalTrap {
    private let sources: [any DispatchSourceSignal]

    init(cancellation: CancellationToken, console: Console) {
        var sources: [any DispatchSourceSignal] = []
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if cancellation.isCancelled { _exit(ExportError.interrupted("").exitCode) }
                console.notice("\(name) received; finishing the windows in hand for up to \(Int(Self.grace.seconds)) s (send it again to stop at once)")
                cancellation.cancel("interrupted by \(name)")
                // A merge blocked on another session's lock would hold the exit past any
                // orchestrator's patience (Kubernetes kills after 30 s): what still runs then is cancelled.
                DispatchQueue.global().asyncAfter(deadline: .now() + Self.grace.seconds) { cancellation.interruptStatements() }
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    func release() {
        for source in sources { source.cancel() }
    }

    /// How long the statements in flight may finish after a signal before they are cancelled.
    static let grace = TimeSpan.seconds(5)
}
