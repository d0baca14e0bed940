/// The normalizer's verdict on one record.
public enum NormalizedRecord: Sendable, Equatable {
    case row(CustomerRow)
    case quarantined(QuarantinedRecord)
}
