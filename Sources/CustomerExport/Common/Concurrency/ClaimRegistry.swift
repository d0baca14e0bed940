import Synchronization

/// The windows this process has claimed and not yet committed, failed or given back: what its
/// lease keeper renews. Claims are added by the scheduler (and by splits), removed by the loader.
package final class ClaimRegistry: Sendable {
    private let windows = Mutex<Set<TimeWindow>>([])

    package init() {}

    package func add(_ window: TimeWindow) { _ = windows.withLock { $0.insert(window) } }
    package func remove(_ window: TimeWindow) { _ = windows.withLock { $0.remove(window) } }
    package var snapshot: [TimeWindow] { windows.withLock { Array($0) } }
    package var isEmpty: Bool { windows.withLock { $0.isEmpty } }
}
