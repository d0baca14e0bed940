/// A run as the state tables hold it.
public struct RunRecord: Sendable, Equatable {
    public var id: Int64
    public var pipeline: String
    public var identity: String
    public var mode: RunMode
    public var field: WindowField
    public var rangeFrom: Timestamp
    public var rangeTo: Timestamp
    public var status: RunStatus
}
