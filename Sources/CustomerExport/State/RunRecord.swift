import CustomerExportCommon

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

    package init(id: Int64, pipeline: String, identity: String, mode: RunMode, field: WindowField, rangeFrom: Timestamp, rangeTo: Timestamp, status: RunStatus) {
        self.id = id
        self.pipeline = pipeline
        self.identity = identity
        self.mode = mode
        self.field = field
        self.rangeFrom = rangeFrom
        self.rangeTo = rangeTo
        self.status = status
    }
}
