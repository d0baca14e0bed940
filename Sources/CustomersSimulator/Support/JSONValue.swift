/// A small JSON tree for the free-form parts of a record (`metadata`, unknown top-level fields),
/// whose keys vary from record to record. Members keep their order.
indirect enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])
    /// Bytes written verbatim, unchecked: how hostile records serve what is not valid JSON
    /// (a 600-deep nesting, `1e999999`).
    case raw([UInt8])
}
