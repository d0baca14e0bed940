/// A failure the simulator injects into one `/v1/customers` request.
enum Fault: String, CaseIterable, Sendable {
    case http500
    case http502
    case http503
    case http429
    /// Close the connection without any response.
    case reset
    /// Send a 200 whose body stops half-way, then close the connection.
    case truncate
    /// Answer normally, but only after the slow delay.
    case slow
}
