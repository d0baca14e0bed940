import CustomerExportVocabulary
import CustomerExportConcurrency

/// The load stage's seam: consume events until the channel closes, return what was written.
public protocol Loading {
    mutating func run(_ events: BoundedChannel<LoadEvent>) throws(ExportError) -> ExportCounts
}
