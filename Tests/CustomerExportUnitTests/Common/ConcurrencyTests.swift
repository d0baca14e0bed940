import Dispatch
import Foundation
import Synchronization
import Testing
@testable import CustomerExport

@Suite("Concurrency primitives")
struct ConcurrencyTests {
    @Test("the limiter never runs more jobs than its limit")
    func limiter() {
        let limiter = RequestLimiter(limit: 3)
        let running = Mutex((now: 0, peak: 0))
        let group = DispatchGroup()
        for _ in 0..<40 {
            limiter.submit(group: group) {
                running.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
                usleep(2_000)
                running.withLock { $0.now -= 1 }
            }
        }
        group.wait()
        let peak = running.withLock { $0.peak }
        #expect(peak == 3)
    }

    @Test("a full channel blocks senders until the consumer takes elements, and keeps order")
    func backpressure() {
        let channel = BoundedChannel<Int>(capacity: 2)
        let sent = Mutex(0)
        let done = DispatchSemaphore(value: 0)
        Thread {
            for i in 0..<5 {
                channel.send(i)
                sent.withLock { $0 += 1 }
            }
            channel.close()
            done.signal()
        }.start()
        Self.waitUntil { channel.sendersWaiting == 1 }
        #expect(sent.withLock { $0 } == 2)
        var received: [Int] = []
        while true {
            let batch = channel.receive(upTo: 10)
            if batch.isEmpty { break }
            received += batch
        }
        done.wait()
        #expect(received == [0, 1, 2, 3, 4])
    }

    @Test("abandoning a channel releases blocked senders")
    func abandon() {
        let channel = BoundedChannel<Int>(capacity: 1)
        channel.send(1)
        let result = Mutex<Bool?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            let accepted = channel.send(2)
            result.withLock { $0 = accepted }
            done.signal()
        }.start()
        Self.waitUntil { channel.sendersWaiting == 1 }
        channel.abandon()
        done.wait()
        #expect(result.withLock { $0 } == false)
        #expect(channel.receive().isEmpty)
    }

    /// Polls `condition` (not a clock) until it holds: the events a test orders by are states.
    static func waitUntil(_ condition: () -> Bool) {
        while !condition() { sched_yield() }
    }

    @Test("cancellation wakes a sleeper early")
    func cancellation() {
        let token = CancellationToken()
        let started = Timestamp.now()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { token.cancel("test") }
        let completed = token.sleep(.seconds(10))
        #expect(!completed)
        #expect(Timestamp.now().secondsSinceEpoch - started.secondsSinceEpoch < 5)
        #expect(token.cancellationReason == "test")
    }
}
