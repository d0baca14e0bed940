import ArgumentParser
import CustomerExport

/// The endpoint's filters as flags, so a one-off backfill for one operator needs no pipeline
/// file. Each flag given replaces the file's value for that filter; the filters are part of the
/// run's identity (a backfill for operator 7 is not the one for operator 8).
///
/// The exact-instant filters `createdAt`/`updatedAt` (and their From/To) are not offered: the
/// run's windows set those bounds on every request, and a fixed filter would fight them.
struct FilterOptions: ParsableArguments {
    @Option(name: .customLong("type"), help: ArgumentHelp("Only customers of this type (repeatable: --type business --type fleet).", valueName: "type"))
    var types: [String] = []

    @Option(name: .customLong("customer-id"), help: ArgumentHelp("Only this customer id (repeatable).", valueName: "id"))
    var customerIds: [Int64] = []

    @Option(help: ArgumentHelp("Only direct children of this customer.", valueName: "id"))
    var parentId: Int64?

    @Option(help: ArgumentHelp("Only descendants (any depth) of this customer.", valueName: "id"))
    var ownerId: Int64?

    @Option(help: ArgumentHelp("Only customers under this operator (CPO); the token must be allowed to use it.", valueName: "id"))
    var operatorId: Int64?

    @Option(help: ArgumentHelp("Only customers whose name, id or external id contains this text (case-insensitive).", valueName: "text"))
    var search: String?

    func apply(to overrides: inout RunOverrides) {
        overrides.filters.types = types
        overrides.filters.customerIds = customerIds
        overrides.filters.parentId = parentId
        overrides.filters.ownerId = ownerId
        overrides.filters.operatorId = operatorId
        overrides.filters.search = search
    }
}
