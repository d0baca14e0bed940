import Foundation

/// A shared stop signal: set once (by SIGINT/SIGTERM, or by a fatal error in any stage), seen by
/// every thread, and able to cut short the sleeps of retry backoff so shutdown takes seconds.
public final class CancellationToken: Sendable {
    // NSCondition is a pthread mutex + condition variable; swift-corelibs-foundation declares it
    // Sendable. `reason` is only read or written while holding it, which is what makes the
    // `nonisolated(unsafe)` safe.
    private let condition = NSCondition()
    nonisolated(unsafe) private var reason: String?

    public init() {}

    /// Records why the run stops (the first reason wins) and wakes every sleeper.
    public func cancel(_ why: String) {
        condition.lock()
        if reason == nil { reason = why }
        condition.broadcast()
        condition.unlock()
    }

    public var isCancelled: Bool { cancellationReason != nil }

    public var cancellationReason: String? {
        condition.lock()
        defer { condition.unlock() }
        return reason
    }

    /// Sleeps for `span` unless cancelled first; returns false when woken by cancellation.
    @discardableResult
    public func sleep(_ span: TimeSpan) -> Bool {
        let deadline = Date(timeIntervalSinceNow: max(0, span.seconds))
        condition.lock()
        defer { condition.unlock() }
        while reason == nil {
            if !condition.wait(until: deadline) { return true }
        }
        return false
    }
}
