import Synchronization
import CustomerExportCommon

/// Where the extract side sends load events: one channel per loader, so several loaders (each
/// with its own PostgreSQL connection) can COPY and merge different windows at the same time.
///
/// A window's events must reach one loader in the order they were sent, because its pages are
/// staged in that loader's session and its commit has to come after them. So a window is pinned
/// to a loader when it is claimed (or at its first event) and unpinned by its last one (complete,
/// fail, abandon or split). The extract side sends a window's final event only after every page
/// job of the window returned, so no page of a window can arrive after it has been unpinned.
///
/// The halves of a split window go to the parent's loader, which records the split before it
/// sees any of their events. Other windows are assigned loaders in turn, in claim order.
/// Windows are read depth-first (see `RequestLimiter`), so while one window merges, the next
/// one, still receiving pages, belongs to another loader and fetching does not wait for the merge.
///
/// ```swift
/// let router = LoadRouter(loaders: 2, capacityPerLoader: 16)
/// router.send(.stage(window, copyRows: bytes, rowCount: 100))  // blocks while that loader is full
/// router.close()                                               // loaders drain and stop
/// ```
package final class LoadRouter: Sendable {
    package let channels: [BoundedChannel<LoadEvent>]
    private struct Assignments {
        var loaderOf: [TimeWindow: Int] = [:]
        var nextLoader = 0
    }
    private let assignments: Mutex<Assignments>

    package init(loaders: Int, capacityPerLoader: Int) {
        precondition(loaders > 0, "a run needs at least one loader")
        channels = (0..<loaders).map { _ in BoundedChannel(capacity: capacityPerLoader) }
        assignments = Mutex(Assignments())
    }

    /// Gives a window just claimed the next loader in turn.
    package func pin(_ window: TimeWindow) {
        assignments.withLock { state in _ = Self.loader(for: window, in: &state, loaders: channels.count) }
    }

    private static func loader(for window: TimeWindow, in state: inout Assignments, loaders: Int) -> Int {
        if let pinned = state.loaderOf[window] { return pinned }
        let index = state.nextLoader
        state.nextLoader = (index + 1) % loaders
        state.loaderOf[window] = index
        return index
    }

    /// Blocks while the window's loader is full; returns false once loading stopped for good.
    @discardableResult
    package func send(_ event: LoadEvent) -> Bool {
        let window = event.window
        let isLast: Bool
        switch event {
        case .complete, .fail, .abandon, .split: isLast = true
        case .stage, .quarantine: isLast = false
        }
        let loaders = channels.count
        let loader = assignments.withLock { state in
            let index = Self.loader(for: window, in: &state, loaders: loaders)
            if isLast { state.loaderOf[window] = nil }
            // The split records the halves in the state tables; their commits must come after it,
            // so they follow their parent to its loader.
            if case let .split(_, children) = event {
                for child in children { state.loaderOf[child] = index }
            }
            return index
        }
        return channels[loader].send(event)
    }

    /// No more events: every loader drains its channel and returns.
    package func close() {
        for channel in channels { channel.close() }
    }

    /// A loader failed: drop what is queued everywhere and release every blocked sender.
    package func abandon() {
        for channel in channels { channel.abandon() }
    }
}
