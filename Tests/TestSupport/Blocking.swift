import Foundation

/// Runs blocking work (the pipeline, libpq, child processes) on a thread of its own and awaits
/// it, so async tests never park Swift concurrency's few cooperative threads, which an
/// in-process simulator needs to answer requests.
public func runBlocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try work() })
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
