
/// Counts of a run's windows by status, for `status` and for deciding how a run ended.
public struct WindowStatusCounts: Sendable, Equatable, Codable {
    public var pending = 0
    public var done = 0
    public var failed = 0
    public var split = 0
    public var total: Int { pending + done + failed }
}
