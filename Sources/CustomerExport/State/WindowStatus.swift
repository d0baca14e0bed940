
/// The lifecycle of a window's checkpoint row: the heart of exactly-once, so it has a type, and
/// every status the SQL writes or reads comes from here.
///
/// ```text
///             ┌─── release, lease expiry (claimed_by cleared or stale) ───┐
///             ▼                                                          │
///   plan ─▶ pending ── claim (claimed_by, lease_until) ──▶ pending ───────┤
///             ▲                                             │ commit ──▶ done   (with the window's rows)
///             │                                             │ fail   ──▶ failed
///             └──────────── retry (final pass, resume) ─────┼── failed
///                                                           └ split  ──▶ split  (its halves: new pending rows)
/// ```
///
/// A claim is not a status: a claimed window stays `pending` with `claimed_by` and `lease_until`
/// set, so a lease that runs out makes it claimable again without anyone writing to it. `done`
/// and `split` are final; a run is finished when every window is one of them.
package enum WindowStatus: String, Sendable, Codable, CaseIterable {
    case pending, done, failed, split

    /// The status as a SQL literal: `'done'`.
    package var sql: String { "'\(rawValue)'" }

    /// Final states: the window's work is in the target (done) or in its halves (split).
    package static let finished: [WindowStatus] = [.done, .split]
    /// States a run still has to read.
    package static let unfinished: [WindowStatus] = [.pending, .failed]

    /// `('done', 'split')`, for `status IN ...`.
    package static func sqlList(_ statuses: [WindowStatus]) -> String {
        "(" + statuses.map(\.sql).joined(separator: ", ") + ")"
    }
}

/// A change of a window's status, with the states it may start from: the only transitions the
/// state store writes.
package enum WindowTransition: CaseIterable, Sendable {
    /// Merged and checkpointed in the window's transaction.
    case complete
    /// Given up on for this pass, with the reason.
    case fail
    /// Replaced by its halves (more rows than a window may hold).
    case split
    /// A failed window goes back to be read again (the run's final pass, a resumed run).
    case retry

    package var from: [WindowStatus] {
        switch self {
        case .complete, .split: [.pending]
        case .fail: [.pending, .failed]
        case .retry: [.failed]
        }
    }

    package var to: WindowStatus {
        switch self {
        case .complete: .done
        case .fail: .failed
        case .split: .split
        case .retry: .pending
        }
    }

    /// `status = 'failed'` (SET) for the new state.
    package var setSQL: String { "status = \(to.sql)" }
    /// `status IN ('pending', 'failed')` (WHERE): the states this transition starts from.
    package var guardSQL: String { "status IN \(WindowStatus.sqlList(from))" }
}
