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

extension FaultRates {
    /// The rate of `fault`.
    func rate(of fault: Fault) -> Double {
        switch fault {
        case .http500: return http500
        case .http502: return http502
        case .http503: return http503
        case .http429: return http429
        case .reset: return reset
        case .truncate: return truncate
        case .slow: return slow
        }
    }

    /// The fault a uniform draw `u` in `[0, 1)` selects: the kinds share `[0, sum)` in
    /// proportion to their rates, so each occurs at exactly its own rate.
    func fault(at u: Double) -> Fault? {
        var cumulative = 0.0
        for fault in Fault.allCases {
            cumulative += rate(of: fault)
            if u < cumulative { return fault }
        }
        return nil
    }
}
