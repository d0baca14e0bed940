import Foundation

/// A fixed-capacity FIFO between threads: the backpressure between extract and load.
///
/// When the database is slower than the API, `send` blocks the fetching threads (which hold
/// request slots), so fetching slows to the loader's pace instead of filling memory. If the
/// consumer dies, `abandon` drops what is queued and makes every `send` return false, so no
/// producer stays blocked on a channel nobody reads.
package final class BoundedChannel<Element: Sendable>: Sendable {
    // NSCondition (a pthread mutex + condition variable) is Sendable in swift-corelibs-foundation;
    // the four stored variables below are only touched while it is locked.
    private let condition = NSCondition()
    nonisolated(unsafe) private var buffer: [Element] = []
    nonisolated(unsafe) private var closed = false
    nonisolated(unsafe) private var abandoned = false
    nonisolated(unsafe) private var blockedSenders = 0
    package let capacity: Int

    package init(capacity: Int) {
        precondition(capacity > 0, "a channel needs room for at least one element")
        self.capacity = capacity
    }

    private var count: Int { buffer.count }

    /// Blocks while the channel is full; returns false when it was closed or abandoned.
    @discardableResult
    package func send(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if count >= capacity, !closed, !abandoned {
            blockedSenders += 1
            while count >= capacity, !closed, !abandoned { condition.wait() }
            blockedSenders -= 1
        }
        guard !closed, !abandoned else { return false }
        buffer.append(element)
        condition.broadcast()
        return true
    }

    /// Blocks until at least one element is queued, then takes up to `max` of them; returns an
    /// empty array once the channel is closed and drained (or abandoned).
    package func receive(upTo max: Int = 1) -> [Element] {
        condition.lock()
        defer { condition.unlock() }
        while count == 0, !closed, !abandoned { condition.wait() }
        guard !abandoned, count > 0 else { return [] }
        // Taken elements leave the buffer at once (shifting at most `capacity` references):
        // a consumed page must not stay reachable from here, or memory grows with the export.
        let taken = Array(buffer.prefix(max))
        buffer.removeFirst(taken.count)
        condition.broadcast()
        return taken
    }

    /// Senders blocked because the channel is full: what a test waits for, instead of sleeping,
    /// before it checks that backpressure holds.
    package var sendersWaiting: Int {
        condition.lock()
        defer { condition.unlock() }
        return blockedSenders
    }

    /// No more elements will be sent; the consumer drains what is queued.
    package func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The consumer stops for good: queued elements are dropped and senders are released.
    package func abandon() {
        condition.lock()
        abandoned = true
        buffer.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
