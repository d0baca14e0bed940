/// A record that could not be made valid, kept with the reason instead of being dropped.
package struct QuarantinedRecord: Sendable, Equatable {
    /// The record's id as it appeared, when it had one (possibly a non-integer spelling).
    package var sourceId: String?
    package var reason: String
    /// The payload as received (NUL escapes removed so it can be stored as text).
    package var payload: [UInt8]

    package init(sourceId: String?, reason: String, payload: [UInt8]) {
        self.sourceId = sourceId
        self.reason = reason
        self.payload = payload
    }
}
