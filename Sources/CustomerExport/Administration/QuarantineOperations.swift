import Foundation
import LibPQ
import CustomerExportCommon
import CustomerExportState

/// `customer-export quarantine list` and `show`: the records a run could not load, with their
/// reasons, and each payload exactly as the API served it.
package enum QuarantineOperations {
    package static func list(databaseURL: String, state: StateSchema, selection: QuarantineSelection) throws(ExportError) -> [QuarantineEntry] {
        let connection = try DatabaseSession.connect(databaseURL)
        defer { connection.close() }
        do {
            return try StateStore(schema: state, connection: connection).quarantineEntries(selection)
        } catch where SQLState.isMissingObject(error.sqlState) {
            return []
        } catch {
            throw DatabaseSession.describe(error, connectionString: databaseURL)
        }
    }

    /// One line per entry under a header, or a sentence when there is none.
    package static func render(_ entries: [QuarantineEntry]) -> String {
        guard !entries.isEmpty else { return "no quarantined records match" }
        var lines = ["ID      SOURCE ID   SEEN  LAST SEEN (UTC)       RUN   TARGET                REASON"]
        for entry in entries {
            lines.append([
                pad(String(entry.id), 7), pad(entry.sourceId ?? "-", 11), pad(String(entry.timesSeen), 5), pad(entry.lastSeenAt, 21),
                pad(entry.runId.map(String.init) ?? "-", 5), pad(entry.target, 21), String(entry.reason.prefix(160)),
            ].joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    package static func payload(databaseURL: String, state: StateSchema, id: Int64) throws(ExportError) -> String {
        let connection = try DatabaseSession.connect(databaseURL)
        defer { connection.close() }
        let payload: String?
        do {
            payload = try StateStore(schema: state, connection: connection).quarantinePayload(id: id)
        } catch where SQLState.isMissingObject(error.sqlState) {
            payload = nil
        } catch {
            throw DatabaseSession.describe(error, connectionString: databaseURL)
        }
        guard let payload else {
            throw .configuration("there is no quarantined record \(id) in \(state.name).quarantine; `customer-export quarantine list` shows the ids")
        }
        return payload
    }

    package static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
