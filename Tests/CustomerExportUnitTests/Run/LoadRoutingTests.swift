import Dispatch
import Foundation
import Synchronization
import Testing
@testable import CustomerExport

@Suite("Load routing and scheduling")
struct LoadRoutingTests {
    private func window(_ day: Int64) -> TimeWindow {
        let start = Timestamp(nanosecondsSinceEpoch: (1_700_000_000 + day * 86_400) * Timestamp.nanosecondsPerSecond)
        return TimeWindow(field: .createdAt, from: start, to: start.adding(.days(1)))
    }

    @Test("a free slot goes to the most urgent waiter, equal priorities in arrival order")
    func limiterPriority() {
        let limiter = RequestLimiter(limit: 1)
        let order = Mutex<[String]>([])
        let holding = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        limiter.submit(group: group, priority: 0) { holding.wait() }
        // Waiters arrive one by one while the only slot is held.
        let started = DispatchGroup()
        let submitted = DispatchGroup()
        for (index, (name, priority)) in [("late window", 9), ("first window", 1), ("second window, page A", 2), ("second window, page B", 2)].enumerated() {
            started.enter()
            submitted.enter()
            Thread {
                started.leave()
                limiter.submit(group: group, priority: priority) { order.withLock { $0.append(name) } }
                submitted.leave()
            }.start()
            started.wait()
            // It waits in `submit` (the limiter's backlog holds it) before the next one arrives.
            ConcurrencyTests.waitUntil { limiter.backlog == index + 1 }
        }
        holding.signal()
        submitted.wait()
        group.wait()
        #expect(order.withLock { $0 } == ["first window", "second window, page A", "second window, page B", "late window"])
    }

    @Test("a job that gives its slot back once answered lets the next request start while it processes")
    func earlySlotRelease() {
        let limiter = RequestLimiter(limit: 1)
        let group = DispatchGroup()
        let secondRan = DispatchSemaphore(value: 0)
        let firstSawSecond = Mutex(false)
        limiter.enqueueRequest(group: group) { slot in
            slot.release()
            slot.release()  // a second release must not free a slot it no longer holds
            let ran = secondRan.wait(timeout: .now() + 5) == .success
            firstSawSecond.withLock { $0 = ran }
        }
        limiter.submit(group: group) { secondRan.signal() }
        group.wait()
        #expect(firstSawSecond.withLock { $0 })
        #expect(limiter.hasSpareSlot)
    }

    @Test("every event of a window reaches one loader; windows alternate between loaders in claim order")
    func routerPinsWindows() {
        let router = LoadRouter(loaders: 2, capacityPerLoader: 100)
        let (first, second, third) = (window(0), window(1), window(2))
        for claimed in [first, second, third] { router.pin(claimed) }
        for _ in 0..<3 {
            for each in [third, second, first] { router.send(.stage(each, copyRows: [], rowCount: 0)) }
        }
        router.send(.complete(first, WindowReadSummary()))
        router.send(.abandon(third))
        router.close()
        let received = router.channels.map { $0.receive(upTo: 100).map(\.window) }
        #expect(received[0] == [third, first, third, first, third, first, first, third])
        #expect(received[1] == [second, second, second])
    }

    @Test("a window unpinned by its last event is pinned afresh when seen again")
    func routerUnpins() {
        let router = LoadRouter(loaders: 2, capacityPerLoader: 10)
        let (first, second) = (window(0), window(1))
        router.send(.stage(first, copyRows: [], rowCount: 0))       // loader 0
        router.send(.fail(first, WindowReadSummary(), reason: "x"))  // unpins
        router.send(.stage(second, copyRows: [], rowCount: 0))      // loader 1
        router.send(.stage(first, copyRows: [], rowCount: 0))       // a new read of it: loader 0
        router.close()
        #expect(router.channels[0].receive(upTo: 10).count == 3)
        #expect(router.channels[1].receive(upTo: 10).map(\.window) == [second])
    }

    @Test("the halves of a split window follow their parent to its loader, after the split")
    func routerKeepsSplitsTogether() throws {
        let router = LoadRouter(loaders: 2, capacityPerLoader: 10)
        let (first, second) = (window(0), window(1))
        let halves = try #require(second.halves())
        router.pin(first)   // loader 0
        router.pin(second)  // loader 1
        router.send(.split(parent: second, children: [halves.0, halves.1]))
        router.send(.stage(halves.1, copyRows: [], rowCount: 0))
        router.send(.complete(halves.0, WindowReadSummary()))
        router.close()
        #expect(router.channels[0].receive(upTo: 10).isEmpty)
        #expect(router.channels[1].receive(upTo: 10).map(\.window) == [second, halves.1, halves.0])
    }

    final class Page: Sendable {}

    @Test("a taken element is no longer held by the channel, so memory does not grow with the export")
    func channelReleasesTakenElements() {
        let channel = BoundedChannel<Page>(capacity: 4)
        weak var released: Page?
        do {
            let page = Page()
            released = page
            channel.send(page)
            channel.send(Page())
            #expect(channel.receive(upTo: 1).count == 1)
        }
        #expect(released == nil)
    }
}
