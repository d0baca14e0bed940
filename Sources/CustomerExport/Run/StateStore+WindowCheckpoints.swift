import CustomerExportVocabulary
import CustomerExportJSON
import CustomerExportConcurrency
import CustomerExportDatabase
import CustomerExportAPI
import CustomerExportExtract
import CustomerExportNormalize
import CustomerExportDedupe
import CustomerExportLoad
import CustomerExportState
import CustomerExportConfiguration
import CustomerExportReporting

/// The state store is what the loaders write their checkpoints through: its window writes match
/// Load's seam one for one, and the pipeline is the one place that knows both.
extension StateStore: WindowCheckpoints {}
