import ArgumentParser
import CustomerExport
@preconcurrency import Dispatch
import Foundation
import Logging

/// The part every run-like command shares: signals, the pipeline, the summary and the report.
enum RunExecution {
    /// Runs the request to its end and exits with the run's code (0 only when every window is done).
    static func perform(_ request: RunRequest, output: OutputOptions) throws {
        try withPipeline(request, output: output) { pipeline in
            if output.dryRun {
                print(try pipeline.plan().rendered)
                return
            }
            if request.planOnly {
                let report = try pipeline.run()
                let id = report.runId ?? 0
                FileHandle.standardError.write(Data("planned run \(id): \(report.windows.pending) windows of \(report.windowField) [\(report.rangeFrom), \(report.rangeTo)); start workers with: customer-export worker --run \(id)\n".utf8))
                print(id)
                return
            }
            try perform(pipeline, output: output) { try $0.run() }
        }
    }

    /// Builds the pipeline with logging and a cancellation token wired to SIGINT/SIGTERM.
    static func withPipeline(_ request: RunRequest, output: OutputOptions, _ body: (ExportPipeline) throws -> Void) throws {
        let logger = output.makeLogger()
        let cancellation = CancellationToken()
        let signals = SignalTrap(cancellation: cancellation)
        defer { signals.release() }
        try body(ExportPipeline(request: request, cancellation: cancellation, logger: logger))
    }

    /// Runs `body` with the progress line, summary, report and metrics file around it; exits with the run's code.
    static func perform(_ pipeline: ExportPipeline, output: OutputOptions, _ body: (ExportPipeline) throws -> RunReport) throws {
        var pipeline = pipeline
        var stopDrawing: (() -> Void)?
        if output.showsProgress {
            let stats = pipeline.requestStats
            let progress = ProgressLine { stats.snapshot }
            pipeline.onPlanned = { progress.planned(windows: $0) }
            pipeline.onWindowCommitted = { _, read, _ in progress.committed(rows: read.rowsFetched) }
            stopDrawing = progress.startDrawing()
        }
        let report: RunReport
        do {
            report = try body(pipeline)
            stopDrawing?()
        } catch {
            stopDrawing?()
            throw error
        }
        FileHandle.standardError.write(Data((report.summary + "\n").utf8))
        if let path = output.report {
            try ReportFile.write(report, to: path)
        }
        if let path = output.metricsFile {
            try MetricsFile.write(report, to: path)
        }
        if report.exitCode != 0 {
            throw ExitCode(report.exitCode)
        }
    }
}

/// Writes a report atomically (temporary file + rename), so a watcher never reads half a report.
enum ReportFile {
    static func write(_ report: RunReport, to path: String) throws(ExportError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            let data = try encoder.encode(report)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .configuration("cannot write the report to \(path): \(error.localizedDescription); check that its directory exists and is writable")
        }
    }
}

/// Turns SIGINT and SIGTERM into a cancellation: stop issuing requests, let the loader commit or
/// discard the windows in hand, and exit with the "interrupted, resumable" code. A second signal
/// exits at once (nothing is lost either way: uncommitted windows are simply read again).
final class SignalTrap {
    private let sources: [any DispatchSourceSignal]

    init(cancellation: CancellationToken) {
        var sources: [any DispatchSourceSignal] = []
        for (number, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if cancellation.isCancelled { _exit(ExportError.interrupted("").exitCode) }
                FileHandle.standardError.write(Data("customer-export: \(name) received; finishing the windows in hand (send it again to stop at once)\n".utf8))
                cancellation.cancel("interrupted by \(name)")
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    func release() {
        for source in sources { source.cancel() }
    }
}
