/// Probabilities (0...1) that a `/v1/customers` request meets each fault.
///
/// At most one fault hits a request: one uniform draw per request is compared against the
/// cumulative rates, so each kind occurs at exactly its own rate and the sum must stay ≤ 1.
public struct FaultRates: Sendable, Equatable {
    /// 500 with a plain-text body.
    public var http500: Double
    /// 502 with an HTML body, as a proxy would send.
    public var http502: Double
    /// 503 with `Retry-After`.
    public var http503: Double
    /// 429 with `Retry-After`.
    public var http429: Double
    /// The connection is closed without any response.
    public var reset: Double
    /// 200 whose body stops half-way, then the connection closes.
    public var truncate: Double
    /// The response is delayed by the slow delay.
    public var slow: Double

    public init(
        http500: Double = 0, http502: Double = 0, http503: Double = 0, http429: Double = 0,
        reset: Double = 0, truncate: Double = 0, slow: Double = 0
    ) {
        self.http500 = http500
        self.http502 = http502
        self.http503 = http503
        self.http429 = http429
        self.reset = reset
        self.truncate = truncate
        self.slow = slow
    }

    /// No faults at all.
    public static let none = FaultRates()

    /// `total` spread evenly over all seven kinds (`--fault-rate`).
    public static func evenly(_ total: Double) -> FaultRates {
        let each = total / 7
        return FaultRates(http500: each, http502: each, http503: each, http429: each, reset: each, truncate: each, slow: each)
    }

    /// Adds `other`'s rates to these, kind by kind.
    public func adding(_ other: FaultRates) -> FaultRates {
        FaultRates(
            http500: http500 + other.http500, http502: http502 + other.http502, http503: http503 + other.http503,
            http429: http429 + other.http429, reset: reset + other.reset, truncate: truncate + other.truncate,
            slow: slow + other.slow
        )
    }

    var all: [Double] { [http500, http502, http503, http429, reset, truncate, slow] }

    var problems: [String] {
        if all.contains(where: { !($0 >= 0 && $0 <= 1) }) {
            return ["every fault probability (--fail-*, --fault-rate) must be between 0 and 1"]
        }
        if all.reduce(0, +) > 1 + 1e-9 {
            return ["the fault probabilities (--fail-* plus --fault-rate) must add up to at most 1"]
        }
        return []
    }
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
