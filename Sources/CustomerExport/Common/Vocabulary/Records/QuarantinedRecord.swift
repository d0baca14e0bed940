/// A record that could not be made valid, kept with the reason instead of being dropped.
public struct QuarantinedRecord: Sendable, Equatable {
    /// The record's id as it appeared, when it had one (possibly a non-integer spelling).
    public var sourceId: String?
    public var reason: String
    /// The payload as received (NUL escapes removed so it can be stored as text).
    public var payload: [UInt8]

    public init(sourceId: String?, reason: String, payload: [UInt8]) {
        self.sourceId = sourceId
        self.reason = reason
        self.payload = payload
    }
}
