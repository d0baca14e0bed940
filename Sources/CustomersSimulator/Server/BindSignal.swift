import NIOCore
import Synchronization

/// A one-shot hand-over of the listening channel (or of the failure to bind) from the server
/// task to ``CustomersSimulator/start(_:)``, whichever side arrives first. Later results are
/// ignored.
final class BindSignal: Sendable {
    private enum State {
        case waiting(CheckedContinuation<any Channel, any Error>?)
        case done(Result<any Channel, any Error>)
    }

    private let state = Mutex(State.waiting(nil))

    func resolve(_ result: Result<any Channel, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<any Channel, any Error>? in
            guard case .waiting(let continuation) = state else { return nil }
            state = .done(result)
            return continuation
        }
        waiter?.resume(with: result)
    }

    func wait() async throws -> any Channel {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<any Channel, any Error>? in
                switch state {
                case .waiting:
                    state = .waiting(continuation)
                    return nil
                case .done(let result):
                    return result
                }
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
