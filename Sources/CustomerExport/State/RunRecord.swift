import CustomerExportCommon

/// A run as the state tables hold it.
package struct RunRecord: Sendable, Equatable {
    package var id: Int64
    package var pipeline: String
    package var identity: String
    package var mode: RunMode
    package var field: WindowField
    package var rangeFrom: Timestamp
    package var rangeTo: Timestamp
    package var status: RunStatus

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
