import Hummingbird
import NIOCore

/// The request context of the simulator's routes: Hummingbird's core storage plus the
/// connection's channel, which the `reset` and `truncate` faults close.
struct SimulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }
}
