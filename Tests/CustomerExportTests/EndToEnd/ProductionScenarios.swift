import Testing

/// The heaviest end-to-end scenarios (outages of either side, repeated SIGKILLs, a nightly run
/// from cron, long runs of the CLI) run one at a time: each is timing-sensitive (a kill at a
/// random instant, a restart in the middle of a run), and together with the rest of the suite
/// they would load two cores enough to starve the in-process simulators of other tests.
@Suite(.serialized) struct ProductionScenarios {}
