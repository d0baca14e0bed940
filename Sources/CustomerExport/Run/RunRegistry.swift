import Foundation
import LibPQ
import CustomerExportCommon
import CustomerExportState
import CustomerExportConfiguration

/// Finds the run to continue, or records a new one with its planned windows.
///
/// A run is continued by the next invocation with the same identity (`RunRequest.identity`)
/// whatever "now" is: windows already done are kept, and when the new `now − lag` lies past
/// the run's recorded end, the range is extended with new windows for the part not yet
/// planned. So an interrupted backfill "up to now" or a first incremental run over three years
/// finishes in pieces, and a finished backfill whose `--to` is still ahead picks up what was
/// created since. `--restart` is the explicit way to start over.
package struct RunRegistry {
    package let request: RunRequest
    package let store: StateStore
    /// Cuts a range into windows (`WindowSizing`): called only for a new run or an extension.
    package let planWindows: (Timestamp, Timestamp) -> [TimeWindow]

    /// What `open` decided: the run, the windows left to read, and the range the run now covers.
    package struct Opened {
        var run: RunRecord
        var windows: [TimeWindow]
        var range: ResolvedRange
    }

    package func open(range: ResolvedRange) throws(PostgresError) -> Opened {
        let identity = request.identity(rangeFrom: range.from)
        if !request.planOnly {
            try store.closeFinishedRuns(pipeline: request.pipeline, target: request.target)
        }
        if let latest = try store.latestRun(identity: identity) {
            if request.restart {
                try store.setRunStatus(latest.id, .superseded, error: "replaced by --restart")
            } else if latest.status == .done, request.mode != .backfill {
                // A finished reconcile or incremental run over the same start: look again.
            } else {
                return try resume(latest, range: range)
            }
        }
        let windows = planWindows(range.from, range.to)
        let id = try store.createRun(
            pipeline: request.pipeline, identity: identity, mode: request.mode, field: request.field,
            from: range.from, to: range.to, target: request.target, status: request.planOnly ? .planned : .running, windows: windows,
            paramsJSON: RunSettings.storedJSON(request))
        let run = RunRecord(id: id, pipeline: request.pipeline, identity: identity, mode: request.mode, field: request.field,
                            rangeFrom: range.from, rangeTo: range.to, status: .running)
        return Opened(run: run, windows: windows, range: range)
    }

    /// Continues `latest`: extends it up to `range.to` when that is later than its recorded end
    /// (never shrinks it), makes failed windows pending again, and returns what is left.
    private func resume(_ latest: RunRecord, range: ResolvedRange) throws(PostgresError) -> Opened {
        var run = latest
        var effective = range
        effective.from = latest.rangeFrom
        if range.to > latest.rangeTo {
            let added = planWindows(latest.rangeTo, range.to)
            try store.extendRun(latest.id, to: range.to, windows: added)
            run.rangeTo = range.to
        } else {
            effective.to = latest.rangeTo
        }
        if request.mode == .incremental { effective.watermarkOnCompletion = effective.to }
        let leftToRead = try store.unfinishedWindows(runId: latest.id, field: request.field)
        if latest.status == .done, leftToRead.isEmpty {
            return Opened(run: run, windows: [], range: effective)
        }
        // Joining a run that workers are already reading (plan-only again) leaves its status alone.
        if !(request.planOnly && latest.status == .running) {
            try store.setRunStatus(latest.id, request.planOnly ? .planned : .running)
            run.status = request.planOnly ? .planned : .running
        }
        try store.retryFailedWindows(runId: latest.id)
        return Opened(run: run, windows: try store.unfinishedWindows(runId: latest.id, field: request.field), range: effective)
    }
}
