import Synchronization

/// A total outage on demand: until it ends, every `/v1/customers` request meets the same fault
/// (503 by default), whatever the dice say. It is how tests and demos show a run waiting out an
/// API that is down for a minute or two (a deploy, a restart) instead of failing.
///
/// ```
/// POST /__admin/outage?seconds=90              # 503 for everything, for 90 s
/// POST /__admin/outage?seconds=30&fault=reset  # connections closed without an answer
/// POST /__admin/outage?seconds=0               # over now
/// ```
final class OutageSwitch: Sendable {
    /// The faults an outage can take: the status-code faults and a reset.
    static let faults: [String: Fault] = ["503": .http503, "500": .http500, "502": .http502, "429": .http429, "reset": .reset]

    private let state = Mutex<(fault: Fault, until: ContinuousClock.Instant)?>(nil)

    func start(_ fault: Fault, seconds: Int) {
        state.withLock { $0 = seconds > 0 ? (fault, ContinuousClock.now + .seconds(seconds)) : nil }
    }

    /// The fault every request meets now, if an outage is on.
    var current: Fault? {
        state.withLock { outage in
            guard let active = outage else { return nil }
            if ContinuousClock.now >= active.until {
                outage = nil
                return nil
            }
            return active.fault
        }
    }
}
