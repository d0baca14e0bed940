import Dispatch
import Synchronization

/// The one global cap on work in flight, built on Dispatch.
///
/// Jobs here block (an HTTP request waiting for its response), and libdispatch cannot see that a
/// thread is blocked: on a concurrent queue it would run only about one job per core. So each
/// slot is a serial queue of its own; serial queues target libdispatch's overcommitting root
/// queues, which give every busy queue a thread. `submit` blocks its caller until a slot is
/// free, so at most `limit` jobs exist at once: threads, sockets and pages held in memory are all
/// bounded by it, however large the export.
public final class RequestLimiter: Sendable {
    public let limit: Int
    private let slots: DispatchSemaphore
    private let queues: [DispatchQueue]
    private let freeQueues: Mutex<[Int]>

    public init(limit: Int, label: String = "customer-export.requests") {
        precondition(limit > 0, "a limiter needs at least one slot")
        self.limit = limit
        self.slots = DispatchSemaphore(value: limit)
        self.queues = (0..<limit).map { DispatchQueue(label: "\(label).\($0)") }
        self.freeQueues = Mutex(Array(0..<limit))
    }

    /// Runs `job` asynchronously once a slot is free; the group is left when the job ends.
    public func submit(group: DispatchGroup, _ job: @escaping @Sendable () -> Void) {
        slots.wait()
        let index = freeQueues.withLock { $0.removeLast() }
        group.enter()
        queues[index].async { [self] in
            defer {
                freeQueues.withLock { $0.append(index) }
                slots.signal()
                group.leave()
            }
            job()
        }
    }

    /// Runs `job` on the calling thread while holding a slot.
    public func run<T, E: Error>(_ job: () throws(E) -> T) throws(E) -> T {
        slots.wait()
        defer { slots.signal() }
        return try job()
    }
}
