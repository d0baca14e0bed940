import Foundation

extension VerifyReport {
    /// The terminal's view: the windows that differ or could not be checked, one line each, then
    /// the totals, the cost and the verdict.
    package var rendered: String {
        var lines = ["verify \(pipeline) in \(target): [\(rangeFrom), \(rangeTo)), \(totals.windows) windows, filters: \(filters)"]
        if !sizing.isEmpty { lines.append("  windows \(sizing)") }
        lines.append(
            "  counts: \(totals.countsEqual) windows equal, \(totals.countsDiffer) differ; read in full: \(totals.readInFull) (\(totals.sampled) sampled at \(Self.percent(sample)), seed \(seed))")
        let shown = windows.filter { ($0.differences?.count ?? 0) > 0 || $0.problem != nil }
        if !shown.isEmpty {
            lines.append("  " + Self.columns(["FROM", "TO", "API", "TABLE", "MISSING", "EXTRA", "STALE"], leftAligned: 2))
            for window in shown {
                let found = window.differences
                var line = "  " + Self.columns(
                    [window.from, window.to, window.apiTotal.map(String.init) ?? "?", String(window.tableRows),
                     found.map { String($0.missing) } ?? "-", found.map { String($0.extra) } ?? "-", found.map { String($0.stale) } ?? "-"],
                    leftAligned: 2)
                if let problem = window.problem { line += "  not checked: \(problem)" }
                lines.append(line)
                if let examples = found?.examples, !examples.isEmpty {
                    lines.append("    e.g. " + examples.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.map(String.init).joined(separator: ", "))" }.joined(separator: "; "))
                }
            }
        }
        lines.append(Self.totalsLine(totals))
        lines.append("  cost: \(countingRequests) counting requests + \(readingRequests) requests reading \(totals.readInFull) windows in full, \(String(format: "%.1f", durationSeconds)) s")
        if let repair {
            for run in repair.runs {
                lines.append("  repair: reconcile run \(run.runId.map(String.init) ?? "-") of [\(run.from), \(run.to)): \(run.inserted) inserted, \(run.updated) updated, \(run.markedDeleted) marked deleted, \(run.requests) requests (exit \(run.exitCode))")
            }
            lines.append("  before repair:" + Self.totalsLine(repair.before).dropFirst(1))
            lines.append("  after repair: " + Self.totalsLine(repair.after).dropFirst(1))
        }
        lines += apiFindings.map { "  api: \($0)" }
        lines.append("  result: \(verdict)")
        return lines.joined(separator: "\n")
    }

    private var verdict: String {
        switch status {
        case "equal": return "EQUAL (exit 0)"
        case "different":
            let next = repair == nil ? "run the same command with --repair to reconcile the windows that differ" : "the repair left differences; see the windows above"
            return "DIFFERENT (exit \(exitCode)): \(message.map { $0 + "; " } ?? "")\(next)"
        default: return "\(status.uppercased()) (exit \(exitCode))\(message.map { ": \($0)" } ?? "")"
        }
    }

    private static func totalsLine(_ totals: Totals) -> String {
        let found = totals.differences
        return "  total: \(totals.apiRows) rows in the API, \(totals.tableRows) in the table; \(found.missing) missing, \(found.extra) extra, \(found.stale) stale in \(totals.differing) windows; "
            + "\(found.changedDuringVerify) updated and \(found.deletedDuringVerify) deleted during verify, \(found.quarantined) quarantined\(found.unidentified > 0 ? ", \(found.unidentified) without a readable id" : "")"
            + (totals.unchecked > 0 ? "; \(totals.unchecked) windows not checked" : "")
            + (totals.unaccounted > 0 ? "; the reads could not account for \(totals.unaccounted) records" : "")
    }

    private static func percent(_ fraction: Double) -> String {
        let value = fraction * 100
        return value == value.rounded() ? "\(Int(value))%" : String(format: "%.1f%%", value)
    }

    /// Dates left-aligned, numbers right-aligned, in fixed widths.
    private static func columns(_ values: [String], leftAligned: Int) -> String {
        values.enumerated().map { index, value in
            index < leftAligned
                ? value.padding(toLength: max(value.count, 28), withPad: " ", startingAt: 0)
                : String(repeating: " ", count: max(0, 8 - value.count)) + value
        }.joined(separator: " ")
    }
}
