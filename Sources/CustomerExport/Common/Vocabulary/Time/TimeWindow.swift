/// Which timestamp a run windows on: `createdAt` for backfills (it never changes, so a past
/// window only shrinks, by deletions) and `updatedAt` for incremental runs.
package enum WindowField: String, Sendable, Codable, CaseIterable {
    case createdAt
    case updatedAt

    package var fromParameter: String { rawValue + "From" }
    package var toParameter: String { rawValue + "To" }
}

/// A slice of the key timestamp, sent to the API as inclusive bounds (`from <= key <= to`),
/// exactly as the contract defines them. Adjacent windows therefore share their boundary instant
/// and a record stamped on it arrives twice; the dedupe stage absorbs that.
package struct TimeWindow: Sendable, Hashable, CustomStringConvertible {
    package var field: WindowField
    package var from: Timestamp
    package var to: Timestamp

    package init(field: WindowField, from: Timestamp, to: Timestamp) {
        self.field = field
        self.from = from
        self.to = to
    }

    /// Two halves sharing the midpoint (rounded to a microsecond, the state tables' precision),
    /// or nil when the window is too narrow to split further (a bulk import of many records on
    /// one instant cannot be divided by time).
    package func halves() -> (TimeWindow, TimeWindow)? {
        let span = to.nanosecondsSinceEpoch - from.nanosecondsSinceEpoch
        guard span >= 2 * Timestamp.nanosecondsPerMicrosecond else { return nil }
        let mid = from.adding(nanoseconds: span / 2).truncatedToMicroseconds
        guard mid > from, mid < to else { return nil }
        return (TimeWindow(field: field, from: from, to: mid), TimeWindow(field: field, from: mid, to: to))
    }

    package var description: String { "\(field.rawValue) [\(from.rfc3339), \(to.rfc3339)]" }
}
