import CustomerExportCommon

/// What the extract side tells the loader, in the order it happened. The loader is the only
/// writer of data and checkpoints, so every change to the target passes through this type.
package enum LoadEvent: Sendable {
    /// Rows of a window, already encoded as COPY text.
    case stage(TimeWindow, copyRows: [UInt8], rowCount: Int)
    case quarantine(TimeWindow, [QuarantinedRecord])
    /// A window over the row limit was replaced by its halves.
    case split(parent: TimeWindow, children: [TimeWindow])
    /// The window was read consistently: merge it and mark it done, in one transaction.
    case complete(TimeWindow, WindowReadSummary)
    /// The window could not be read: record why; its staged rows are discarded.
    case fail(TimeWindow, WindowReadSummary, reason: String)
    /// The run stopped before the window finished: discard its staged rows, leave it pending.
    case abandon(TimeWindow)

    /// The window the event is about (a split's parent), which decides its loader and its order.
    package var window: TimeWindow {
        switch self {
        case let .stage(window, _, _), let .quarantine(window, _), let .complete(window, _), let .fail(window, _, _), let .abandon(window):
            window
        case let .split(parent, _):
            parent
        }
    }
}
