import Dispatch
import Synchronization

/// The one global cap on requests in flight, built on Dispatch, handing free slots to the most
/// urgent waiter first.
///
/// Jobs here block (an HTTP request waiting for its response), and libdispatch cannot see that a
/// thread is blocked: on a concurrent queue it would run only about one job per core. So each
/// slot is a serial queue of its own; serial queues target libdispatch's overcommitting root
/// queues, which give every busy queue a thread. `submit` and `run` block their caller until a
/// slot is free, `enqueueRequest` queues the job until one is; either way at most `limit`
/// requests are in flight and at most `2 × limit` jobs exist at once
/// (a job may return its slot when its response is in and go on processing the page): threads,
/// sockets and pages held in memory are all bounded, however large the export.
///
/// A slot comes free on the network thread, the moment a response is complete: the limiter
/// starts the next queued job right there, so the next request leaves one thread wake-up after
/// the last one's answer, not after the answering job has woken, parsed and dispatched it (each
/// wake-up costs about half a millisecond on a loaded 2-core machine, 1% of a 50 ms page).
///
/// Priorities make reading depth-first: pages of the window claimed first get slots before pages
/// of later windows (the run passes each window's claim number). Windows then finish one after
/// another instead of all at once, so their merges spread over the run and the loaders never
/// face a pile of finished windows while fetching waits. Equal priorities are served in order.
///
/// ```swift
/// let limiter = RequestLimiter(limit: 8)
/// limiter.submit(group: group, priority: windowNumber) { fetch(page) }          // blocks until started
/// limiter.enqueueRequest(group: group, priority: windowNumber) { slot in ... }  // returns at once
/// let first = limiter.run(priority: windowNumber) { fetch(firstPage) }
/// ```
package final class RequestLimiter: Sendable {
    /// Twice as many queues as slots: a job that gave its slot back early (its response is in,
    /// it is only processing the page) keeps its queue, and a new request can start meanwhile.
    private let queues: [DispatchQueue]
    private let state: Mutex<State>

    private struct Waiter {
        enum Kind {
            /// A caller blocked until it has a slot and a queue.
            case blocked(DispatchSemaphore)
            /// A job to start on a queue once it has a slot.
            case queued(@Sendable (RequestSlot) -> Void, DispatchGroup)
            /// A running job taking a slot back for a retry; it keeps its queue.
            case slotOnly(DispatchSemaphore)
        }
        let priority: Int
        let order: UInt64
        let kind: Kind

        var needsQueue: Bool {
            if case .slotOnly = kind { return false }
            return true
        }
    }

    /// What `grant` decided, carried out once the lock is released.
    private enum Grant {
        case wake(DispatchSemaphore)
        case start(index: Int, job: @Sendable (RequestSlot) -> Void, group: DispatchGroup, priority: Int)
    }

    private struct State {
        package var freeSlots: Int
        package var freeQueues: [Int]
        package var waiters: [Waiter] = []
        /// Queues handed to woken blocked callers, by arrival number, so no newcomer takes them.
        package var handedOver: [UInt64: Int] = [:]
        package var arrivals: UInt64 = 0

        package var canStart: Bool { freeSlots > 0 && !freeQueues.isEmpty }

        package mutating func enqueue(priority: Int, _ kind: Waiter.Kind) -> UInt64 {
            arrivals += 1
            waiters.append(Waiter(priority: priority, order: arrivals, kind: kind))
            return arrivals
        }

        /// Gives free slots (and queues, to those that need one) to the most urgent waiters.
        package mutating func grant() -> [Grant] {
            var grants: [Grant] = []
            while freeSlots > 0 {
                var best: Int?
                for index in waiters.indices where !waiters[index].needsQueue || !freeQueues.isEmpty {
                    if let current = best,
                       (waiters[current].priority, waiters[current].order) <= (waiters[index].priority, waiters[index].order) {
                        continue
                    }
                    best = index
                }
                guard let best else { break }
                let waiter = waiters.remove(at: best)
                freeSlots -= 1
                switch waiter.kind {
                case let .blocked(wakeUp):
                    handedOver[waiter.order] = freeQueues.removeLast()
                    grants.append(.wake(wakeUp))
                case let .queued(job, group):
                    grants.append(.start(index: freeQueues.removeLast(), job: job, group: group, priority: waiter.priority))
                case let .slotOnly(wakeUp):
                    grants.append(.wake(wakeUp))
                }
            }
            return grants
        }
    }

    package init(limit: Int, label: String = "customer-export.requests") {
        precondition(limit > 0, "a limiter needs at least one slot")
        self.queues = (0..<(2 * limit)).map { DispatchQueue(label: "\(label).\($0)") }
        self.state = Mutex(State(freeSlots: limit, freeQueues: Array(0..<(2 * limit))))
    }

    /// Queues `job` without blocking the caller; it starts, with a slot, when its turn comes.
    /// Queued jobs are what a freed slot can start at once, on the thread that freed it. The
    /// caller bounds how many it queues (a window's page count).
    package func enqueueRequest(group: DispatchGroup, priority: Int = .max, _ job: @escaping @Sendable (RequestSlot) -> Void) {
        group.enter()
        carryOut(state.withLock { state in
            _ = state.enqueue(priority: priority, .queued(job, group))
            return state.grant()
        })
    }

    /// Runs `job` asynchronously once a slot is free, blocking the caller until then, and holds
    /// the slot for all of the job; the group is left when the job ends. Lower `priority` values
    /// are served first.
    package func submit(group: DispatchGroup, priority: Int = .max, _ job: @escaping @Sendable () -> Void) {
        let index = acquire(priority: priority)
        group.enter()
        start({ _ in job() }, on: index, group: group, priority: priority)
    }

    /// Runs `job` on the calling thread while holding a slot.
    package func run<T, E: Error>(priority: Int = .max, _ job: () throws(E) -> T) throws(E) -> T {
        let index = acquire(priority: priority)
        defer {
            releaseSlot()
            releaseQueue(index)
        }
        return try job()
    }

    /// Requests (and blocked callers) waiting for a slot. Fewer than the limit means every one
    /// of them starts within one round of responses, so new work queued now is not premature.
    package var backlog: Int {
        state.withLock { $0.waiters.count }
    }

    /// True when a request could start now and nobody is waiting (the tests' check that every
    /// slot and queue came back).
    package var hasSpareSlot: Bool {
        state.withLock { $0.waiters.isEmpty && $0.canStart }
    }

    private func start(_ job: @escaping @Sendable (RequestSlot) -> Void, on index: Int, group: DispatchGroup, priority: Int) {
        queues[index].async { [self] in
            let slot = RequestSlot(limiter: self, priority: priority)
            defer {
                slot.release()
                releaseQueue(index)
                group.leave()
            }
            job(slot)
        }
    }

    /// Blocks until a slot and a queue are this caller's; returns the queue's index.
    private func acquire(priority: Int) -> Int {
        let wakeUp = DispatchSemaphore(value: 0)
        let (order, grants) = state.withLock { state in
            (state.enqueue(priority: priority, .blocked(wakeUp)), state.grant())
        }
        carryOut(grants)
        wakeUp.wait()
        return state.withLock { state in
            guard let index = state.handedOver.removeValue(forKey: order) else {
                preconditionFailure("a waiter was woken without a queue")
            }
            return index
        }
    }

    /// Blocks until a slot is the caller's again (a running job, which keeps its queue).
    fileprivate func acquireSlot(priority: Int) {
        let wakeUp = DispatchSemaphore(value: 0)
        carryOut(state.withLock { state in
            _ = state.enqueue(priority: priority, .slotOnly(wakeUp))
            return state.grant()
        })
        wakeUp.wait()
    }

    fileprivate func releaseSlot() {
        carryOut(state.withLock { state in
            state.freeSlots += 1
            return state.grant()
        })
    }

    private func releaseQueue(_ index: Int) {
        carryOut(state.withLock { state in
            state.freeQueues.append(index)
            return state.grant()
        })
    }

    private func carryOut(_ grants: [Grant]) {
        for grant in grants {
            switch grant {
            case let .wake(waiter): waiter.signal()
            case let .start(index, job, group, priority): start(job, on: index, group: group, priority: priority)
            }
        }
    }
}

/// A job's claim on one request slot. The job (or the network thread, once its response is in)
/// gives it back early with `release`; a retry after that takes one again with `reacquire`, so
/// a request never goes out without a slot. Whatever is held when the job ends is returned.
package final class RequestSlot: Sendable {
    private let limiter: RequestLimiter
    private let priority: Int
    private let held = Atomic<Bool>(true)

    fileprivate init(limiter: RequestLimiter, priority: Int) {
        self.limiter = limiter
        self.priority = priority
    }

    /// Frees the slot for another request; calls while it is not held do nothing.
    package func release() {
        if held.compareExchange(expected: true, desired: false, ordering: .acquiringAndReleasing).exchanged {
            limiter.releaseSlot()
        }
    }

    /// Blocks until the slot is held again (the job's own priority); does nothing while held.
    /// Only the job that owns the slot calls this, never concurrently with itself.
    package func reacquire() {
        guard !held.load(ordering: .acquiring) else { return }
        limiter.acquireSlot(priority: priority)
        held.store(true, ordering: .releasing)
    }
}
