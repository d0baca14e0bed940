import CoreMetrics
import Foundation
import Prometheus

/// The run's numbers in Prometheus text format, for node_exporter's textfile collector
/// (`--metrics-file /var/lib/node_exporter/textfile/customer_export.prom`). Recorded through
/// swift-metrics' handler API into a swift-prometheus registry of the run's own, and written
/// atomically (temporary file + rename) so the collector never reads half a file.
///
/// Alert on `customer_export_run_exit_code != 0`, or on `customer_export_run_finished_timestamp_seconds`
/// older than a day and a bit.
public enum MetricsFile {
    public static func render(_ report: RunReport, finishedAt: Timestamp = .now()) -> String {
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
        gauge("customer_export_run_duration_seconds", report.durationSeconds)
        gauge("customer_export_rows_per_second", report.rowsPerSecond)
        let rows = report.rows
        for (outcome, value) in [
            ("fetched", rows.fetched), ("inserted", rows.inserted), ("updated", rows.updated), ("unchanged", rows.unchanged),
            ("quarantined", rows.quarantined), ("duplicates", rows.duplicates), ("stale", rows.stale),
            ("outside_range", rows.outsideRange), ("marked_deleted", rows.markedDeleted),
        ] {
            counter("customer_export_rows_total", value, [("outcome", outcome)])
        }
        for (state, value) in [("done", report.windows.done), ("failed", report.windows.failed), ("pending", report.windows.pending), ("split", report.windows.split)] {
            gauge("customer_export_windows", Double(value), [("state", state)])
        }
        counter("customer_export_windows_reread_total", report.windows.rereadForDrift, [])
        counter("customer_export_pages_total", report.pages, [])
        for (status, value) in report.requests.byStatus.sorted(by: { $0.key < $1.key }) {
            counter("customer_export_requests_total", value, [("status", status)])
        }
        for (status, value) in report.requests.retriesByStatus.sorted(by: { $0.key < $1.key }) {
            counter("customer_export_retries_total", value, [("status", status)])
        }
        return registry.emitToString()
    }

    public static func write(_ report: RunReport, to path: String) throws(ExportError) {
        do {
            try Data(render(report).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .configuration("cannot write the metrics file \(path): \(error.localizedDescription); check that its directory exists and is writable")
        }
    }
}
