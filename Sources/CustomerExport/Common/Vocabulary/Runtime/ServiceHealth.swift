import Foundation
import Synchronization

/// Which side of the export is down right now, since when, and how long the run has waited for
/// each in total: what the progress line shows ("waiting for PostgreSQL, 0:12") and the report
/// sums up. The API's circuit and the database reconnector report here; several connections
/// losing the same server count as one outage, opened by the first report and closed by the
/// first recovery.
package final class ServiceHealth: Sendable {
    package enum Side: String, Sendable, CaseIterable {
        case api = "the API"
        case database = "PostgreSQL"
    }

    /// An outage in progress.
    package struct Outage: Sendable, Equatable {
        package var since: Timestamp
        package var problem: String
    }

    /// What the run waited for, over its whole life.
    package struct Totals: Sendable, Equatable, Codable {
        package var apiOutages = 0
        package var apiSecondsWaited = 0.0
        package var databaseOutages = 0
        package var databaseSecondsWaited = 0.0
        /// Windows read again because the transaction that held their staged rows was cut.
        package var windowsRedone = 0

        package init() {}
    }

    private struct State {
        package var current: [Side: Outage] = [:]
        package var totals = Totals()
    }

    private let state = Mutex(State())
    /// A statement waiting for another session's lock, and since when (see `LockWaits`).
    private let lockWait = Mutex<(what: String, since: Timestamp)?>(nil)

    /// A statement started waiting for `what`; the first of concurrent waits sets the time.
    package func lockWaitStarted(_ what: String, at now: Timestamp = .now()) {
        lockWait.withLock { if $0 == nil { $0 = (what, now) } }
    }

    package func lockWaitEnded() {
        lockWait.withLock { $0 = nil }
    }

    package init() {}

    /// Reports `side` down; returns true when this opens a new outage (the caller logs it).
    @discardableResult
    package func down(_ side: Side, problem: String, at now: Timestamp = .now()) -> Bool {
        state.withLock { state in
            if state.current[side] != nil {
                state.current[side]?.problem = problem
                return false
            }
            state.current[side] = Outage(since: now, problem: problem)
            switch side {
            case .api: state.totals.apiOutages += 1
            case .database: state.totals.databaseOutages += 1
            }
            return true
        }
    }

    /// Reports `side` answering again; returns the outage it ends, if one was open.
    @discardableResult
    package func up(_ side: Side, at now: Timestamp = .now()) -> TimeSpan? {
        state.withLock { state in
            guard let outage = state.current.removeValue(forKey: side) else { return nil }
            let waited = TimeSpan(nanoseconds: now.nanosecondsSinceEpoch - outage.since.nanosecondsSinceEpoch)
            switch side {
            case .api: state.totals.apiSecondsWaited += waited.seconds
            case .database: state.totals.databaseSecondsWaited += waited.seconds
            }
            return waited
        }
    }

    package func countRedone(_ windows: Int) {
        state.withLock { $0.totals.windowsRedone += windows }
    }

    package func outage(_ side: Side) -> Outage? { state.withLock { $0.current[side] } }

    /// The totals, with outages still open counted up to `now`.
    package func totals(at now: Timestamp = .now()) -> Totals {
        state.withLock { state in
            var totals = state.totals
            for (side, outage) in state.current {
                let open = Double(now.nanosecondsSinceEpoch - outage.since.nanosecondsSinceEpoch) / 1e9
                switch side {
                case .api: totals.apiSecondsWaited += open
                case .database: totals.databaseSecondsWaited += open
                }
            }
            return totals
        }
    }

    /// "waiting for PostgreSQL (down 0:12)" for each side that is down, in a fixed order.
    package func waitingText(at now: Timestamp = .now()) -> String? {
        let current = state.withLock { $0.current }
        let parts = Side.allCases.compactMap { side -> String? in
            guard let outage = current[side] else { return nil }
            return "waiting for \(side.rawValue) (down \(Self.clock(now.nanosecondsSinceEpoch - outage.since.nanosecondsSinceEpoch)))"
        }
        var waits = parts
        if let lock = lockWait.withLock({ $0 }) {
            waits.append("waiting for \(lock.what) (since \(Self.clock(now.nanosecondsSinceEpoch - lock.since.nanosecondsSinceEpoch)))")
        }
        return waits.isEmpty ? nil : waits.joined(separator: " · ")
    }

    /// `m:ss` (or `h:mm:ss`) of a duration in nanoseconds.
    package static func clock(_ nanoseconds: Int64) -> String {
        let seconds = max(0, Int(nanoseconds / 1_000_000_000))
        if seconds >= 3600 { return "\(seconds / 3600):" + String(format: "%02d:%02d", seconds / 60 % 60, seconds % 60) }
        return "\(seconds / 60):" + String(format: "%02d", seconds % 60)
    }
}
