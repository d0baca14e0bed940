// The exporter's one import: `import CustomerExport` brings every stage and room, for the CLI
// and the tests (their declarations are `package`: nothing is promised outside this package). The stages themselves are separate targets
// (see Package.swift), so the compiler keeps the flow one-way.
@_exported import CustomerExportAdministration
@_exported import CustomerExportExtract
@_exported import CustomerExportVerify
@_exported import CustomerExportCommon
@_exported import CustomerExportConfiguration
@_exported import CustomerExportDedupe
@_exported import CustomerExportLoad
@_exported import CustomerExportNormalize
@_exported import CustomerExportReporting
@_exported import CustomerExportRun
@_exported import CustomerExportState
