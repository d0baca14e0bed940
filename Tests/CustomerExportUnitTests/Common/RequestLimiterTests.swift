import Dispatch
import Foundation
import Synchronization
import Testing
@testable import CustomerExport

/// Queued requests and slots given back early: the parts of `RequestLimiter` that keep every
/// slot busy without ever exceeding the limit.
@Suite("Request limiter: queued jobs and early release")
struct RequestLimiterTests {
    @Test("queued jobs do not block the caller, and start most urgent first when a slot comes free")
    func queuedJobsStartByPriority() {
        let limiter = RequestLimiter(limit: 1)
        let group = DispatchGroup()
        let holding = DispatchSemaphore(value: 0)
        let order = Mutex<[String]>([])
        limiter.submit(group: group, priority: 0) { holding.wait() }
        for (name, priority) in [("late window", 9), ("first window", 1), ("second window, page A", 2), ("second window, page B", 2)] {
            limiter.enqueueRequest(group: group, priority: priority) { _ in order.withLock { $0.append(name) } }
        }
        // Still here with the only slot held: nothing blocked, and all four wait their turn.
        #expect(limiter.backlog == 4)
        #expect(order.withLock { $0 }.isEmpty)
        holding.signal()
        group.wait()
        #expect(order.withLock { $0 } == ["first window", "second window, page A", "second window, page B", "late window"])
        #expect(limiter.backlog == 0 && limiter.hasSpareSlot)
    }

    @Test("a job that gave its slot back early takes one again for a retry, never exceeding the limit")
    func reacquireWaitsForAFreeSlot() {
        let limiter = RequestLimiter(limit: 1)
        let group = DispatchGroup()
        let events = Mutex<[String]>([])
        let running = Mutex((now: 0, peak: 0))
        let secondStarted = DispatchSemaphore(value: 0)
        @Sendable func holdingSlot(_ body: () -> Void) {
            running.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
            body()
            running.withLock { $0.now -= 1 }
        }
        limiter.enqueueRequest(group: group, priority: 1) { slot in
            holdingSlot { events.withLock { $0.append("first answered") } }
            slot.release()
            secondStarted.wait()
            slot.reacquire()  // the retry must wait until the second job is done with the slot
            holdingSlot { events.withLock { $0.append("first retried") } }
            slot.reacquire()  // already held: returns at once
        }
        limiter.enqueueRequest(group: group, priority: 2) { _ in
            holdingSlot {
                secondStarted.signal()
                usleep(50_000)
                events.withLock { $0.append("second done") }
            }
        }
        group.wait()
        #expect(events.withLock { $0 } == ["first answered", "second done", "first retried"])
        #expect(running.withLock { $0.peak } == 1)
        #expect(limiter.hasSpareSlot)
    }
}
