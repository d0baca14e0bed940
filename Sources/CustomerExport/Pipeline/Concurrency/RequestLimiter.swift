import Dispatch
import Synchronization

/// The one global cap on work in flight, built on Dispatch, handing free slots to the most
/// urgent waiter first.
///
/// Jobs here block (an HTTP request waiting for its response), and libdispatch cannot see that a
/// thread is blocked: on a concurrent queue it would run only about one job per core. So each
/// slot is a serial queue of its own; serial queues target libdispatch's overcommitting root
/// queues, which give every busy queue a thread. `submit` blocks its caller until a slot is
/// free, so at most `limit` jobs exist at once: threads, sockets and pages held in memory are all
/// bounded by it, however large the export.
///
/// Priorities make reading depth-first: pages of the window claimed first get slots before pages
/// of later windows (the run passes each window's claim number). Windows then finish one after
/// another instead of all at once, so their merges spread over the run and the loaders never
/// face a pile of finished windows while fetching waits. Equal priorities are served in order.
///
/// ```swift
/// let limiter = RequestLimiter(limit: 8)
/// limiter.submit(group: group, priority: windowNumber) { fetch(page) }
/// let first = limiter.run(priority: windowNumber) { fetch(firstPage) }
/// ```
public final class RequestLimiter: Sendable {
    public let limit: Int
    private let queues: [DispatchQueue]
    private let state: Mutex<State>

    private struct Waiter {
        let priority: Int
        let order: UInt64
        let wakeUp: DispatchSemaphore
    }

    private struct State {
        var freeQueues: [Int]
        var waiters: [Waiter] = []
        /// Slots handed to woken waiters, by arrival number, so no newcomer can take them first.
        var handedOver: [UInt64: Int] = [:]
        var arrivals: UInt64 = 0
    }

    public init(limit: Int, label: String = "customer-export.requests") {
        precondition(limit > 0, "a limiter needs at least one slot")
        self.limit = limit
        self.queues = (0..<limit).map { DispatchQueue(label: "\(label).\($0)") }
        self.state = Mutex(State(freeQueues: Array(0..<limit)))
    }

    /// Runs `job` asynchronously once a slot is free; the group is left when the job ends.
    /// Lower `priority` values are served first.
    public func submit(group: DispatchGroup, priority: Int = .max, _ job: @escaping @Sendable () -> Void) {
        let index = acquire(priority: priority)
        group.enter()
        queues[index].async { [self] in
            defer {
                release(index)
                group.leave()
            }
            job()
        }
    }

    /// Runs `job` on the calling thread while holding a slot.
    public func run<T, E: Error>(priority: Int = .max, _ job: () throws(E) -> T) throws(E) -> T {
        let index = acquire(priority: priority)
        defer { release(index) }
        return try job()
    }

    /// True when a slot is free and nobody is waiting: starting more work would not delay any.
    public var hasSpareSlot: Bool {
        state.withLock { $0.waiters.isEmpty && !$0.freeQueues.isEmpty }
    }

    /// Blocks until a slot is this caller's; returns the slot's queue index.
    private func acquire(priority: Int) -> Int {
        let wakeUp = DispatchSemaphore(value: 0)
        let (granted, order): (Int?, UInt64) = state.withLock { state in
            state.arrivals += 1
            if state.waiters.isEmpty, let index = state.freeQueues.popLast() { return (index, state.arrivals) }
            state.waiters.append(Waiter(priority: priority, order: state.arrivals, wakeUp: wakeUp))
            return (nil, state.arrivals)
        }
        if let granted { return granted }
        wakeUp.wait()
        return state.withLock { state in
            guard let index = state.handedOver.removeValue(forKey: order) else {
                preconditionFailure("a waiter was woken without a slot")
            }
            return index
        }
    }

    /// Frees a slot, handing it straight to the most urgent waiter if there is one.
    private func release(_ index: Int) {
        let next: DispatchSemaphore? = state.withLock { state in
            guard let best = state.waiters.indices.min(by: {
                (state.waiters[$0].priority, state.waiters[$0].order) < (state.waiters[$1].priority, state.waiters[$1].order)
            }) else {
                state.freeQueues.append(index)
                return nil
            }
            let waiter = state.waiters.remove(at: best)
            state.handedOver[waiter.order] = index
            return waiter.wakeUp
        }
        next?.signal()
    }
}
