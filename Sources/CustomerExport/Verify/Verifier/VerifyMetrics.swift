import CoreMetrics
import Prometheus
import CustomerExportCommon
import CustomerExportReporting

/// A verify's numbers in Prometheus text format, for the same textfile collector as the runs'
/// (`--metrics-file`), written atomically on every exit. Alert on
/// `customer_export_verify_exit_code != 0`: 7 means the table differs from the API.
package enum VerifyMetrics {
    package static func render(_ report: VerifyReport, finishedAt: Timestamp = .now()) -> String {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        let pipeline = ("pipeline", report.pipeline)
        func gauge(_ name: String, _ value: Double, _ extra: [(String, String)] = []) {
            factory.makeRecorder(label: name, dimensions: [pipeline] + extra, aggregate: false).record(value)
        }
        // After a repair the table is what the second look found; the first look's numbers are in the report.
        let latest = report.repair.map { repaired in
            var totals = report.totals
            totals.differences.missing = repaired.after.differences.missing
            totals.differences.extra = repaired.after.differences.extra
            totals.differences.stale = repaired.after.differences.stale
            totals.differing = repaired.after.differing
            return totals
        } ?? report.totals
        gauge("customer_export_verify_exit_code", Double(report.exitCode))
        gauge("customer_export_verify_finished_timestamp_seconds", finishedAt.secondsSinceEpoch)
        gauge("customer_export_verify_duration_seconds", report.durationSeconds)
        gauge("customer_export_verify_missing_rows", Double(latest.differences.missing))
        gauge("customer_export_verify_extra_rows", Double(latest.differences.extra))
        gauge("customer_export_verify_stale_rows", Double(latest.differences.stale))
        gauge("customer_export_verify_changed_during_verify_rows", Double(report.totals.differences.changedDuringVerify))
        gauge("customer_export_verify_quarantined_rows", Double(report.totals.differences.quarantined))
        gauge("customer_export_verify_windows_checked", Double(report.totals.windows - report.totals.unchecked))
        gauge("customer_export_verify_windows_read_in_full", Double(report.totals.readInFull))
        gauge("customer_export_verify_windows_differing", Double(latest.differing))
        gauge("customer_export_verify_requests", Double(report.countingRequests), [("purpose", "counting")])
        gauge("customer_export_verify_requests", Double(report.readingRequests), [("purpose", "reading")])
        return registry.emitToString()
    }

    package static func write(_ report: VerifyReport, to path: String, now: Timestamp = .now()) throws(ExportError) {
        try MetricsFile.writeAtomically(render(report, finishedAt: now), to: path)
    }
}
