/// The normalizer's verdict on one record.
package enum NormalizedRecord: Sendable, Equatable {
    case row(CustomerRow)
    case quarantined(QuarantinedRecord)
}
