import CustomerExportLoad
import CustomerExportState

/// The state store is what the loaders write their checkpoints through: its window writes match
/// Load's seam one for one, and the pipeline is the one place that knows both.
extension StateStore: WindowCheckpoints {}
