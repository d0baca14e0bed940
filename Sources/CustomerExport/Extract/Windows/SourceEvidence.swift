import Synchronization
import CustomerExportCommon

/// What a run has learned about how its API bends the contract, shared by every window read.
///
/// Two things live here because they outlast one window: the page size the server actually
/// serves (so a server that caps `limit` silently costs one extra request per run, not one per
/// page), and the findings the report names once each: a page cap, meta values that cannot be
/// true, a total the pages contradict, filters the records show to be ignored.
package final class SourceEvidence: Sendable {
    private struct State {
        var pageLimit: Int
        var capNote: String?
        var metaProblems: [String: Int] = [:]
        var contradictedTotals = 0
        var shortPagesWithMore = 0
        var outside = OutsideCounts()
        var examined = 0
    }

    private let state: Mutex<State>
    /// The window field, to name the date filters (`createdAtFrom`).
    package let field: WindowField

    package init(pageLimit: Int, field: WindowField) {
        self.field = field
        state = Mutex(State(pageLimit: pageLimit))
    }

    /// The page size to ask for now: the configured one, or the smaller one the server was seen to serve.
    package var pageLimit: Int { state.withLock { $0.pageLimit } }

    /// The server served `served` records where `asked` were, with more to come: later pages of
    /// every window ask for that many. Only ever lowers the size.
    package func learn(served: Int, asked: Int, fromMeta: Bool) {
        guard served > 0 else { return }
        state.withLock { state in
            guard served < state.pageLimit else { return }
            state.pageLimit = served
            let source = fromMeta ? "meta.limit \(served)" : "a page of \(served) with more records after it"
            state.capNote = "the API serves at most \(served) records per page where \(asked) were asked (\(source)); pages are read at \(served)"
        }
    }

    /// A `meta` value that cannot be true, ignored as evidence.
    package func note(metaProblem: String) {
        state.withLock { $0.metaProblems[metaProblem, default: 0] += 1 }
    }

    /// Pages that came back short of the size asked and had records after them.
    package func note(shortPagesWithMore count: Int) {
        state.withLock { $0.shortPagesWithMore += count }
    }

    /// A window whose still total the distinct records did not match: judged by its pages.
    package func noteContradictedTotal() {
        state.withLock { $0.contradictedTotals += 1 }
    }

    /// Records a read examined, and those it dropped as outside their window or filters.
    package func note(examined: Int, outside: OutsideCounts) {
        state.withLock { state in
            state.examined += examined
            state.outside += outside
        }
    }

    /// One sentence per thing the API got wrong, for the log and the report.
    package var findings: [String] {
        state.withLock { state in
            var findings: [String] = []
            if let capNote = state.capNote { findings.append(capNote) }
            for (problem, pages) in state.metaProblems.sorted(by: { $0.key < $1.key }) {
                findings.append("\(problem) on \(pages) page\(pages == 1 ? "" : "s"); ignored as evidence, the windows were judged by their records")
            }
            if state.shortPagesWithMore > 0 {
                let pages = state.shortPagesWithMore
                findings.append("\(pages) page\(pages == 1 ? "" : "s") came back short of the size asked with records after \(pages == 1 ? "it" : "them") (a page-size cap the API does not state); each was read on from where it stopped")
            }
            if state.contradictedTotals > 0 {
                findings.append("meta.total disagreed with the distinct records of \(state.contradictedTotals) window read\(state.contradictedTotals == 1 ? "" : "s"); those were read to an empty page and twice")
            }
            let of = "of \(state.examined) records"
            let filters: [(String, Int, String)] = [
                (field.fromParameter, state.outside.beforeWindow, "came back before their window's start"),
                (field.toParameter, state.outside.afterWindow, "came back after their window's end"),
                ("types", state.outside.types, "came back with another type"),
                ("customerIds", state.outside.customerIds, "came back with an id not asked for"),
                ("parentId", state.outside.parentId, "came back under another parent"),
                ("operatorId", state.outside.operatorId, "came back under another operator"),
            ]
            for (filter, count, how) in filters where count > 0 {
                // One in a hundred is a filter the server does not apply; a few are a server
                // applying it at another precision. Either way nothing outside is loaded.
                let verdict = count * 100 >= state.examined ? "\(filter) is ignored" : "\(filter) is not applied exactly"
                findings.append("\(verdict): \(count) \(of) \(how); they were dropped, not loaded")
            }
            return findings
        }
    }
}
