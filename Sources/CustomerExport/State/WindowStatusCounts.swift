
/// Counts of a run's windows by status, for `status` and for deciding how a run ended.
package struct WindowStatusCounts: Sendable, Equatable, Codable {
    package var pending = 0
    package var done = 0
    package var failed = 0
    package var split = 0
    package var total: Int { pending + done + failed }
}
