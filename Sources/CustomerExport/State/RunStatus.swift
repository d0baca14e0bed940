
/// Lifecycle of a run row: `running` until every window is done (`done`), some failed (`failed`),
/// or the process was stopped (`interrupted`); `superseded` when `--restart` replaced it.
package enum RunStatus: String, Sendable, Codable {
    case planned, running, done, failed, interrupted, superseded

    /// The status as a SQL literal: `'done'`.
    package var sql: String { "'\(rawValue)'" }
}
