import Foundation
import Synchronization
import CustomerExportCommon
import CustomerExportExtract

/// The live progress line on a terminal: windows done/total, rows, rows/s, retries, ETA.
/// Fed by the pipeline's callbacks; `render` is pure so it can be tested without a terminal.
package final class ProgressLine: Sendable {
    package struct State {
        package var windowsTotal = 0
        package var windowsDone = 0
        package var rows = 0
        package var started = Timestamp.now()
    }

    private let state = Mutex(State())
    private let requests: @Sendable () -> RequestStats.Snapshot?
    private let health: ServiceHealth?

    /// `requests` reads the run's request counters (for retries); nil before the run has them.
    /// `health` says which side the run is waiting for during an outage.
    package init(health: ServiceHealth? = nil, requests: @escaping @Sendable () -> RequestStats.Snapshot? = { nil }) {
        self.health = health
        self.requests = requests
    }

    package func planned(windows: Int) {
        state.withLock { $0.windowsTotal = windows; $0.started = .now() }
    }

    package func committed(rows: Int) {
        state.withLock { $0.windowsDone += 1; $0.rows += rows }
    }

    package func render(now: Timestamp = .now()) -> String {
        let s = state.withLock { $0 }
        let elapsed = max(0.001, now.secondsSinceEpoch - s.started.secondsSinceEpoch)
        let rate = Double(s.rows) / elapsed
        let retries = requests()?.retries.values.reduce(0, +) ?? 0
        var eta = "--:--"
        if s.windowsDone > 0, s.windowsTotal >= s.windowsDone {
            let remaining = elapsed / Double(s.windowsDone) * Double(s.windowsTotal - s.windowsDone)
            eta = String(format: "%d:%02d", Int(remaining) / 60, Int(remaining) % 60)
        }
        let line = "windows \(s.windowsDone)/\(s.windowsTotal) · rows \(s.rows) · \(Int(rate)) rows/s · retries \(retries) · ETA \(eta)"
        guard let waiting = health?.waitingText(at: now) else { return line }
        return line + " · " + waiting
    }

    /// Redraws the line on stderr every `interval` until the returned stopper is called (once,
    /// from the thread that started it).
    package func startDrawing(interval: TimeSpan = TimeSpan(nanoseconds: 500_000_000)) -> () -> Void {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "customer-export.progress"))
        timer.schedule(deadline: .now(), repeating: interval.seconds)
        timer.setEventHandler { [self] in
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + render()).utf8))
        }
        timer.resume()
        return { [self, timer] in
            timer.cancel()
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + render() + "\n").utf8))
        }
    }
}
