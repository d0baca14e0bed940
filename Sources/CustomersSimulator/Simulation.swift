import Synchronization

/// The state one running simulator shares between its request handlers and its mutation loop:
/// the live store, the mutator, the freeze flag, the fault dice and the statistics.
///
/// The store is guarded by a `Mutex`; a query holds the lock while it picks its page (a binary
/// search and a copy of `limit` byte-array references in the common case) and renders outside
/// it. A reset regenerates the store from the saved generation parameters rather than keeping
/// a pristine copy: a copy would double the memory of a large dataset, and the first mutation
/// would stall every request while copy-on-write duplicated millions of rows.
final class Simulation: Sendable {
    let options: SimulatorOptions
    let parser: QueryParser
    let dice: RequestDice
    let statistics = StatisticsRecorder()
    let outage = OutageSwitch()
    private let clock: any WallClock
    private let parameters: GenerationParameters
    private let state: Mutex<State>

    private struct State: Sendable {
        var store: CustomerStore
        var mutator: Mutator
        var frozen = false
    }

    private init(options: SimulatorOptions, clock: any WallClock, parameters: GenerationParameters, store: CustomerStore) {
        self.options = options
        self.clock = clock
        self.parameters = parameters
        self.parser = QueryParser(maxLimit: options.maxLimit)
        self.dice = RequestDice(options: options)
        self.state = Mutex(State(store: store, mutator: Mutator(seed: options.seed)))
    }

    /// Generates the dataset `options` describe and wraps it.
    static func make(options: SimulatorOptions, clock: any WallClock = SystemWallClock()) async -> Simulation {
        let parameters = GenerationParameters(options: options, now: clock.now())
        return Simulation(options: options, clock: clock, parameters: parameters, store: await generate(parameters))
    }

    private static func generate(_ parameters: GenerationParameters) async -> CustomerStore {
        await CustomerStore.build(rows: DatasetGenerator.rows(for: parameters))
    }

    // MARK: Serving

    /// The page `query` asks for; with `--total-ignores-filters`, its total is that of every
    /// live record instead of the matches (a server bug some sources have).
    func page(_ query: CustomerQuery) -> PageResult {
        let countingTotal = options.envelope == .dataMeta
        let totalOfAll = options.totalIgnoresFilters
        return state.withLock { state -> PageResult in
            var page = state.store.page(query, countingTotal: countingTotal && !totalOfAll)
            if totalOfAll { page.total = state.store.liveCount }
            if options.impossibleTotal { page.total = -1 }
            return page
        }
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

    /// Makes poison rows valid again (see `Mutator.heal`); returns what it healed.
    func heal(_ kind: PoisonKind?) -> [(kind: PoisonKind, id: Int64)] {
        let now = clock.now()
        return state.withLock { state in state.mutator.heal(kind, in: &state.store, now: now) }
    }

    func setFrozen(_ frozen: Bool) {
        state.withLock { $0.frozen = frozen }
    }

    /// Back to the generated dataset with fresh generators and zeroed statistics; the freeze
    /// flag is left as it is. Requests see the old data until the new store is ready.
    func reset() async {
        let store = await Self.generate(parameters)
        state.withLock { state in
            state.store = store
            state.mutator = Mutator(seed: options.seed)
        }
        dice.reset()
        statistics.reset()
    }
}
