import CoreMetrics
import Foundation
import Prometheus
import CustomerExportCommon
import CustomerExportState

/// The run's numbers in Prometheus text format, for node_exporter's textfile collector
/// (`--metrics-file /var/lib/node_exporter/textfile/customer_export.prom`). Recorded through
/// swift-metrics' handler API into a swift-prometheus registry of the run's own, and written
/// atomically (temporary file + rename) so the collector never reads half a file.
///
/// Written on every exit, early ones included. Alert on `customer_export_run_exit_code != 0`, and
/// on `customer_export_last_success_timestamp_seconds` older than a day and a bit: that gauge
/// survives failed runs (it is read back from the state tables, or from the previous file when
/// the database could not be reached), so a night that never succeeded is seen even when every
/// run since failed before it started.
package enum MetricsFile {
    /// `lastSuccess`: when the pipeline last succeeded, if known (a successful run: now).
    package static func render(_ report: RunReport, finishedAt: Timestamp = .now(), lastSuccess: Timestamp? = nil) -> String {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        let pipeline = ("pipeline", report.pipeline)
        func gauge(_ name: String, _ value: Double, _ extra: [(String, String)] = []) {
            factory.makeRecorder(label: name, dimensions: [pipeline] + extra, aggregate: false).record(value)
        }
        func counter(_ name: String, _ value: Int, _ extra: [(String, String)]) {
            factory.makeCounter(label: name, dimensions: [pipeline] + extra).increment(by: Int64(value))
        }
        gauge("customer_export_run_exit_code", Double(report.exitCode), [("mode", report.mode)])
        gauge("customer_export_run_finished_timestamp_seconds", finishedAt.secondsSinceEpoch)
        if let lastSuccess {
            gauge("customer_export_last_success_timestamp_seconds", lastSuccess.secondsSinceEpoch)
        }
        gauge("customer_export_run_duration_seconds", report.durationSeconds)
        gauge("customer_export_rows_per_second", report.rowsPerSecond)
        let rows = report.rows
        for (outcome, value) in [
            ("fetched", rows.fetched), ("inserted", rows.inserted), ("updated", rows.updated), ("unchanged", rows.unchanged),
            ("quarantined", rows.quarantined), ("duplicates", rows.duplicates), ("stale", rows.stale),
            ("outside_range", rows.outsideRange), ("marked_deleted", rows.markedDeleted), ("not_committed", rows.notCommitted),
        ] {
            counter("customer_export_rows_total", value, [("outcome", outcome)])
        }
        for (state, value) in [("done", report.windows.done), ("failed", report.windows.failed), ("pending", report.windows.pending), ("split", report.windows.split)] {
            gauge("customer_export_windows", Double(value), [("state", state)])
        }
        counter("customer_export_windows_reread_total", report.windows.rereadForDrift, [])
        // Non-zero when the API bent the contract (a page cap, a filter ignored, meta that cannot
        // be true): the run still loaded exactly, but the source's owners should hear of it.
        gauge("customer_export_api_findings", Double(report.apiFindings.count))
        counter("customer_export_pages_total", report.pages, [])
        for (status, value) in report.requests.byStatus.sorted(by: { $0.key < $1.key }) {
            counter("customer_export_requests_total", value, [("status", status)])
        }
        for (status, value) in report.requests.retriesByStatus.sorted(by: { $0.key < $1.key }) {
            counter("customer_export_retries_total", value, [("status", status)])
        }
        return registry.emitToString()
    }

    package static func write(_ report: RunReport, to path: String, now: Timestamp = .now()) throws(ExportError) {
        let known = [
            report.exitCode == 0 && report.status == RunStatus.done.rawValue ? now : nil,
            report.lastSuccessAt.flatMap { Timestamp(rfc3339: $0) },
            previousLastSuccess(in: path, pipeline: report.pipeline),
        ].compactMap { $0 }
        try writeAtomically(render(report, finishedAt: now, lastSuccess: known.max()), to: path)
    }

    /// Replaces the file at `path` with `text` in one rename, so the collector never reads half
    /// a file; the one sentence for a path that cannot be written. `verify`'s metrics use it too.
    package static func writeAtomically(_ text: String, to path: String) throws(ExportError) {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .configuration("cannot write the metrics file \(path): \(error.localizedDescription); check that its directory exists and is writable")
        }
    }

    /// The last-success gauge of `pipeline` in the file a previous run left at `path`.
    package static func previousLastSuccess(in path: String, pipeline: String) -> Timestamp? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let prefix = "customer_export_last_success_timestamp_seconds{pipeline=\"\(pipeline)\"} "
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix(prefix) {
            guard let seconds = Double(line.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)), seconds > 0 else { return nil }
            return Timestamp(nanosecondsSinceEpoch: Int64(seconds * 1e9))
        }
        return nil
    }
}
