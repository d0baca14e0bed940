/// How reading one window went, as its checkpoint row records it: the window's own facts (the
/// total the API reported, how many reads it took) beside the counts its pages added up to.
/// Counts read through it as if they were its own fields (`summary.pages`).
@dynamicMemberLookup
package struct WindowReadSummary: Sendable, Equatable, Codable {
    package var apiTotal: Int?
    package var attempts = 0
    package var counts = ReadCounts()

    package init() {}

    /// What this read handed on to be committed with its window: the rows the dedupe kept and
    /// the records it quarantined. A window that does not commit counts them as not committed.
    package var rowsForCommit: Int { counts.rowsKept + counts.quarantined }

    package subscript<Value>(dynamicMember keyPath: WritableKeyPath<ReadCounts, Value>) -> Value {
        get { counts[keyPath: keyPath] }
        set { counts[keyPath: keyPath] = newValue }
    }
}
