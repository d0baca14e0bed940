import Synchronization

/// The state one running simulator shares between its request handlers and its mutation loop:
/// the live store, the mutator, the freeze flag, the fault dice and the statistics.
///
/// The store is guarded by a `Mutex`; a query holds the lock while it picks its page (a binary
/// search and a copy of `limit` byte-array references in the common case) and renders outside
/// it. The generated store is kept as the reset point; copy-on-write makes that free until the
/// first mutation.
final class Simulation: Sendable {
    let options: SimulatorOptions
    let parser: QueryParser
    let dice: RequestDice
    let statistics = StatisticsRecorder()
    private let clock: any WallClock
    private let initial: CustomerStore
    private let state: Mutex<State>

    private struct State: Sendable {
        var store: CustomerStore
        var mutator: Mutator
        var frozen = false
    }

    private init(options: SimulatorOptions, clock: any WallClock, store: CustomerStore) {
        self.options = options
        self.clock = clock
        self.parser = QueryParser(maxLimit: options.maxLimit)
        self.dice = RequestDice(options: options)
        self.initial = store
        self.state = Mutex(State(store: store, mutator: Mutator(seed: options.seed)))
    }

    /// Generates the dataset `options` describe and wraps it.
    static func make(options: SimulatorOptions, clock: any WallClock = SystemWallClock()) async -> Simulation {
        let rows = await DatasetGenerator.rows(for: GenerationParameters(options: options, now: clock.now()))
        let store = await CustomerStore.build(rows: rows)
        return Simulation(options: options, clock: clock, store: store)
    }

    // MARK: Serving

    func page(_ query: CustomerQuery) -> PageResult {
        let countingTotal = options.envelope == .dataMeta
        return state.withLock { $0.store.page(query, countingTotal: countingTotal) }
    }

    /// Every row as it stands now (a copy-on-write snapshot, so it can be streamed unlocked).
    func snapshot() -> [Row] {
        state.withLock { $0.store.rows }
    }

    // MARK: Mutating

    /// Performs up to `count` mutations now; when `force` is false nothing happens while frozen.
    @discardableResult
    func mutate(count: Int, kind: MutationKind? = nil, force: Bool) -> [MutationRecord] {
        let now = clock.now()
        let records = state.withLock { state -> [MutationRecord] in
            guard force || !state.frozen else { return [] }
            return (0..<count).compactMap { _ in state.mutator.perform(kind, on: &state.store, now: now) }
        }
        for record in records { statistics.recordMutation(record.kind) }
        return records
    }

    func setFrozen(_ frozen: Bool) {
        state.withLock { $0.frozen = frozen }
    }

    /// Back to the generated dataset with fresh generators and zeroed statistics; the freeze
    /// flag is left as it is.
    func reset() {
        state.withLock { state in
            state.store = initial
            state.mutator = Mutator(seed: options.seed)
        }
        dice.reset()
        statistics.reset()
    }
}
