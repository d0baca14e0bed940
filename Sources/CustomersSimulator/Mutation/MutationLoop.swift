/// Drives `--mutate-rps`: mutations at a steady average rate on the wall clock until cancelled.
///
/// The loop wakes every tick and performs the mutations that have fallen due since it started,
/// so the rate holds regardless of tick jitter. While the simulation is frozen the due
/// mutations are skipped, not saved up, so thawing does not cause a burst.
enum MutationLoop {
    static func run(_ simulation: Simulation, perSecond rate: Double) async {
        guard rate > 0 else { return }
        let clock = ContinuousClock()
        let start = clock.now
        let tick = Duration.seconds(min(0.1, max(0.005, 1 / rate)))
        var issued = 0
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: tick)
            } catch {
                return
            }
            let elapsed = start.duration(to: clock.now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            let due = Int(seconds * rate) - issued
            guard due > 0 else { continue }
            simulation.mutate(count: due, force: false)
            issued += due
        }
    }
}
