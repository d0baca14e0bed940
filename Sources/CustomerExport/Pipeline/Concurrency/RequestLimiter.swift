import Dispatch
import Synchronization

/// The one global cap on requests in flight, built on Dispatch, handing free slots to the most
/// urgent waiter first.
///
/// Jobs here block (an HTTP request waiting for its response), and libdispatch cannot see that a
/// thread is blocked: on a concurrent queue it would run only about one job per core. So each
/// slot is a serial queue of its own; serial queues target libdispatch's overcommitting root
/// queues, which give every busy queue a thread. `submit` blocks its caller until a slot is
/// free, so at most `limit` requests are in flight and at most `2 × limit` jobs exist at once
/// (a job may return its slot when its response is in and go on processing the page): threads,
/// sockets and pages held in memory are all bounded, however large the export.
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
    /// Twice as many queues as slots: a job that gave its slot back early (its response is in,
    /// it is only processing the page) keeps its queue, and a new request can start meanwhile.
    private let queues: [DispatchQueue]
    private let state: Mutex<State>

    private struct Waiter {
        let priority: Int
        let order: UInt64
        let wakeUp: DispatchSemaphore
    }

    private struct State {
        var freeSlots: Int
        var freeQueues: [Int]
        var waiters: [Waiter] = []
        /// Queues handed to woken waiters (with a slot), by arrival number, so no newcomer can
        /// take them first.
        var handedOver: [UInt64: Int] = [:]
        var arrivals: UInt64 = 0

        var canStart: Bool { freeSlots > 0 && !freeQueues.isEmpty }

        /// Gives free slots and queues to the most urgent waiters; returns whom to wake.
        mutating func grant() -> [DispatchSemaphore] {
            var woken: [DispatchSemaphore] = []
            while canStart, let best = waiters.indices.min(by: {
                (waiters[$0].priority, waiters[$0].order) < (waiters[$1].priority, waiters[$1].order)
            }) {
                let waiter = waiters.remove(at: best)
                freeSlots -= 1
                handedOver[waiter.order] = freeQueues.removeLast()
                woken.append(waiter.wakeUp)
            }
            return woken
        }
    }

    public init(limit: Int, label: String = "customer-export.requests") {
        precondition(limit > 0, "a limiter needs at least one slot")
        self.limit = limit
        self.queues = (0..<(2 * limit)).map { DispatchQueue(label: "\(label).\($0)") }
        self.state = Mutex(State(freeSlots: limit, freeQueues: Array(0..<(2 * limit))))
    }

    /// Runs `job` asynchronously once a slot is free; the group is left when the job ends. The
    /// job may give its slot back early with `slot.release()` (once its request is answered);
    /// otherwise it holds the slot to the end. Lower `priority` values are served first.
    public func submitRequest(group: DispatchGroup, priority: Int = .max, _ job: @escaping @Sendable (RequestSlot) -> Void) {
        let index = acquire(priority: priority)
        group.enter()
        queues[index].async { [self] in
            let slot = RequestSlot { [self] in releaseSlot() }
            defer {
                slot.release()
                releaseQueue(index)
                group.leave()
            }
            job(slot)
        }
    }

    /// Runs `job` asynchronously, holding a slot for all of it.
    public func submit(group: DispatchGroup, priority: Int = .max, _ job: @escaping @Sendable () -> Void) {
        submitRequest(group: group, priority: priority) { _ in job() }
    }

    /// Runs `job` on the calling thread while holding a slot.
    public func run<T, E: Error>(priority: Int = .max, _ job: () throws(E) -> T) throws(E) -> T {
        let index = acquire(priority: priority)
        defer {
            releaseSlot()
            releaseQueue(index)
        }
        return try job()
    }

    /// True when a request could start now and nobody is waiting: more work would delay none.
    public var hasSpareSlot: Bool {
        state.withLock { $0.waiters.isEmpty && $0.canStart }
    }

    /// Blocks until a slot and a queue are this caller's; returns the queue's index.
    private func acquire(priority: Int) -> Int {
        let wakeUp = DispatchSemaphore(value: 0)
        let (granted, order): (Int?, UInt64) = state.withLock { state in
            state.arrivals += 1
            if state.waiters.isEmpty, state.canStart {
                state.freeSlots -= 1
                return (state.freeQueues.removeLast(), state.arrivals)
            }
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

    private func releaseSlot() {
        let woken = state.withLock { state in
            state.freeSlots += 1
            return state.grant()
        }
        for waiter in woken { waiter.signal() }
    }

    private func releaseQueue(_ index: Int) {
        let woken = state.withLock { state in
            state.freeQueues.append(index)
            return state.grant()
        }
        for waiter in woken { waiter.signal() }
    }
}

/// A job's claim on one request slot, given back at most once: early by the job, or when it ends.
public final class RequestSlot: Sendable {
    private let giveBack: @Sendable () -> Void
    private let returned = Atomic<Bool>(false)

    init(giveBack: @escaping @Sendable () -> Void) {
        self.giveBack = giveBack
    }

    /// Frees the slot for another request; later calls do nothing.
    public func release() {
        if returned.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged {
            giveBack()
        }
    }
}
