import Foundation
import LibPQ
import CustomerExportCommon
import CustomerExportState

/// A run's settings kept with it (`runs.params`), so that a worker started elsewhere with only
/// `--run ID` and a database URL reads it exactly as planned: every declaration marked `stored`,
/// under its stored name, never a secret (the token's variable name or file path, not the token).
/// The names are those the first versions wrote, so runs they planned still load; a field a run
/// lacks keeps its default.
extension RunSettings {
    /// The JSON object stored with a run, signed over the settings that decide where the token goes.
    package static func stored(_ request: RunRequest) -> StoredValue {
        var object = StoredValue.object([:])
        for setting in all {
            if let name = setting.stored, let value = setting.store(request) { object.set(value, at: name) }
        }
        object.set(.string(CredentialSignature(object).mac(token: request.api.token)), at: "credentialMAC")
        return object
    }

    package static func storedJSON(_ request: RunRequest) -> String? {
        (try? JSONEncoder().encode(stored(request))).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The request a worker runs: the stored settings, with the worker's own flags (API URL,
    /// token file, CA file, retry budget, throughput) taking precedence.
    package static func restore(_ stored: StoredValue, overrides: RunOverrides, environment: [String: String], databaseURL: String, state: StateSchema) throws(ExportError) -> RunRequest {
        var request = RunRequest.defaults
        for setting in all {
            guard let name = setting.stored, let value = stored[path: name], value != .null else { continue }
            guard try setting.restore(&request, value) else {
                throw .configuration("the run's stored \(name) cannot be read by this version; plan the run again")
            }
        }
        request.databaseURL = databaseURL
        request.state = state
        try overlay(&request, file: nil, overrides: overrides, environment: [:]) { $0.flag != nil }
        try resolveAccess(&request, environment: environment)
        try checkCredentialSettings(stored, token: request.api.token, overrides: overrides)
        return request
    }

    /// Refuses stored settings that decide where the token goes unless they are signed with the
    /// token just read, or the worker's own flags replace them: whoever can write `runs.params`
    /// must not be able to send a worker's token to another host, or another secret as its token.
    package static func checkCredentialSettings(_ stored: StoredValue, token: String, overrides: RunOverrides) throws(ExportError) {
        let mac = stored[path: "credentialMAC"]?.string
        if let mac, CredentialSignature(stored).verifies(mac, token: token) { return }
        var unvouched: [String] = []
        if overrides["--api-url"] == nil { unvouched.append("api.url (\(stored[path: "apiBaseURL"]?.string ?? ""))") }
        if overrides["--token-file"] == nil {
            let file = stored[path: "tokenFile"]?.string
            unvouched.append(file.map { "api.tokenFile (\($0))" } ?? "api.tokenEnv (\(stored[path: "tokenEnv"]?.string ?? "CUSTOMERS_API_TOKEN"))")
        }
        if overrides["--ca-file"] == nil, let caFile = stored[path: "caFile"]?.string { unvouched.append("api.caFile (\(caFile))") }
        guard !unvouched.isEmpty else { return }
        let why = mac == nil ? "carry no signature (planned by an earlier version)" : "are not signed with the token this worker read"
        throw .configuration(
            "the run's stored \(unvouched.joined(separator: ", ")) \(why), so they may have been written by someone else than the planner; pass the worker's own --api-url and --token-file (and --ca-file), or plan the run again")
    }

    /// The settings stored with a run, or nil for runs planned before they were kept.
    package static func stored(in store: StateStore, runId: Int64) throws(PostgresError) -> StoredValue? {
        guard let json = try store.parametersJSON(runId: runId) else { return nil }
        return try? JSONDecoder().decode(StoredValue.self, from: Data(json.utf8))
    }

    /// The request a worker or `quarantine retry` runs for a stored run, or nil when the run has
    /// no stored settings.
    package static func request(forRun runId: Int64, store: StateStore, overrides: RunOverrides, environment: [String: String], databaseURL: String) throws(ExportError) -> RunRequest? {
        let stored: StoredValue?
        do {
            stored = try Self.stored(in: store, runId: runId)
        } catch where SQLState.isMissingObject(error.sqlState) {
            stored = nil
        } catch {
            throw DatabaseSession.describe(error, connectionString: databaseURL)
        }
        guard let stored else { return nil }
        return try restore(stored, overrides: overrides, environment: environment, databaseURL: databaseURL, state: store.schema)
    }
}
