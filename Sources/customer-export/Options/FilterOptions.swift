import ArgumentParser
import CustomerExport

/// The endpoint's filters as flags, so a one-off backfill for one operator needs no pipeline
/// file. Each flag given replaces the file's value for that filter; the filters are part of the
/// run's identity (a backfill for operator 7 is not the one for operator 8).
///
/// The exact-instant filters `createdAt`/`updatedAt` (and their From/To) are not offered: the
/// run's windows set those bounds on every request, and a fixed filter would fight them.
struct FilterOptions: ParsableArguments {
    @Option(name: .customLong("type"), help: ArgumentHelp(RunSettings.help(flag: "--type"), valueName: "type"))
    var types: [String] = []

    @Option(name: .customLong("customer-id"), help: ArgumentHelp(RunSettings.help(flag: "--customer-id"), valueName: "id"))
    var customerIds: [Int64] = []

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--parent-id"), valueName: "id"))
    var parentId: Int64?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--owner-id"), valueName: "id"))
    var ownerId: Int64?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--operator-id"), valueName: "id"))
    var operatorId: Int64?

    @Option(help: ArgumentHelp(RunSettings.help(flag: "--search"), valueName: "text"))
    var search: String?

    func apply(to overrides: inout RunOverrides) {
        overrides.set("--type", list: types)
        overrides.set("--customer-id", list: customerIds)
        overrides.set("--parent-id", parentId)
        overrides.set("--owner-id", ownerId)
        overrides.set("--operator-id", operatorId)
        overrides.set("--search", search)
    }
}
