import Synchronization

/// What happens to one `/v1/customers` request before it is answered: its fault (if any) and
/// its delay (`--latency-ms` plus up to `--jitter-ms`, plus `--slow-ms` for a slow fault).
struct RequestFate: Sendable, Equatable {
    var fault: Fault?
    var delayMilliseconds: Int
}

/// Rolls each request's ``RequestFate`` from a generator seeded by `--seed`, so a run's
/// sequence of faults is reproducible for a given order of requests.
final class RequestDice: Sendable {
    private let options: SimulatorOptions
    private let rng: Mutex<SplitMix64>

    init(options: SimulatorOptions) {
        self.options = options
        self.rng = Mutex(Self.freshGenerator(options))
    }

    func roll() -> RequestFate {
        let (u, jitter) = rng.withLock { rng in
            (rng.unit(), options.jitterMilliseconds > 0 ? rng.below(options.jitterMilliseconds + 1) : 0)
        }
        let fault = options.faults.fault(at: u)
        let slow = fault == .slow ? options.slowMilliseconds : 0
        return RequestFate(fault: fault, delayMilliseconds: options.latencyMilliseconds + jitter + slow)
    }

    /// Back to the sequence of a fresh start (`/__admin/reset`).
    func reset() {
        rng.withLock { $0 = Self.freshGenerator(options) }
    }

    private static func freshGenerator(_ options: SimulatorOptions) -> SplitMix64 {
        SplitMix64(seed: SplitMix64.mix(options.seed, 0x4641_554C_5453))  // "FAULTS"
    }
}
