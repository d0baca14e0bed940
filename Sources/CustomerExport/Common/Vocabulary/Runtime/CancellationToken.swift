import Foundation

/// A shared stop signal: set once (by SIGINT/SIGTERM, or by a fatal error in any stage), seen by
/// every thread, and able to cut short the sleeps of retry backoff so shutdown takes seconds.
package final class CancellationToken: Sendable {
    // NSCondition is a pthread mutex + condition variable; swift-corelibs-foundation declares it
    // Sendable. `reason` is only read or written while holding it, which is what makes the
    // `nonisolated(unsafe)` safe.
    private let condition = NSCondition()
    nonisolated(unsafe) private var reason: String?
    /// What cancels the statements in flight, by registration number; guarded by `condition`
    /// like `reason`.
    nonisolated(unsafe) private var interrupters: [Int: @Sendable () -> Void] = [:]
    nonisolated(unsafe) private var nextInterrupter = 0

    package init() {}

    /// Registers `interrupt` (e.g. a libpq cancel request) to run when `interruptStatements()`
    /// is called; returns the number to pass to `unregister` once the statement's connection is done.
    package func registerInterrupter(_ interrupt: @escaping @Sendable () -> Void) -> Int {
        condition.lock()
        defer { condition.unlock() }
        nextInterrupter += 1
        interrupters[nextInterrupter] = interrupt
        return nextInterrupter
    }

    package func unregister(_ number: Int) {
        condition.lock()
        interrupters[number] = nil
        condition.unlock()
    }

    /// Cancels the database statements still running (a merge waiting on a reader's lock), for
    /// a stop that must not wait for them: they roll back and their windows stay to be read again.
    package func interruptStatements() {
        condition.lock()
        let actions = Array(interrupters.values)
        condition.unlock()
        for action in actions { action() }
    }

    /// Records why the run stops (the first reason wins) and wakes every sleeper.
    package func cancel(_ why: String) {
        condition.lock()
        if reason == nil { reason = why }
        condition.broadcast()
        condition.unlock()
    }

    package var isCancelled: Bool { cancellationReason != nil }

    package var cancellationReason: String? {
        condition.lock()
        defer { condition.unlock() }
        return reason
    }

    /// Sleeps for `span` unless cancelled first; returns false when woken by cancellation.
    @discardableResult
    package func sleep(_ span: TimeSpan) -> Bool {
        let deadline = Date(timeIntervalSinceNow: max(0, span.seconds))
        condition.lock()
        defer { condition.unlock() }
        while reason == nil {
            if !condition.wait(until: deadline) { return true }
        }
        return false
    }
}
