import Foundation
import CustomerExportCommon
import CustomerExportExtract

/// How the declarations become a request: defaults, then the environment's fallbacks, then the
/// pipeline file, then flags, in rising priority, each value parsed by its declaration and named
/// by its flag or key when refused. A worker reads a planned run the same way, with the stored
/// parameters in the file's place.
extension RunSettings {
    /// The request for one command: its flags over its pipeline file over the defaults.
    package static func build(file: PipelineDefinition?, overrides: RunOverrides, environment: [String: String]) throws(ExportError) -> RunRequest {
        var request = RunRequest.defaults
        let fileMode = try file?.values["mode"].map { value throws(ExportError) in try SettingCodec<RunMode>.choice.parse(value, "mode") }
        request.mode = overrides.mode ?? fileMode ?? .backfill
        request.pipeline = file?.pipeline ?? request.mode.rawValue
        try overlay(&request, file: file, overrides: overrides, environment: environment) { $0.key != "mode" && $0.key != "pipeline" }
        try resolveAccess(&request, environment: environment)
        try request.validate()
        return request
    }

    /// Only where the tables are (`migrate`): the database settings of the file and flags.
    package static func database(file: PipelineDefinition?, overrides: RunOverrides, environment: [String: String]) throws(ExportError) -> RunRequest {
        var request = RunRequest.defaults
        try overlay(&request, file: file, overrides: overrides, environment: environment) { $0.key?.hasPrefix("database.") == true }
        return request
    }

    /// Applies, for each setting `included` and used in the request's mode, the flag's value,
    /// else the file's, else the environment's fallback.
    package static func overlay(
        _ request: inout RunRequest, file: PipelineDefinition?, overrides: RunOverrides, environment: [String: String],
        including included: (Setting) -> Bool
    ) throws(ExportError) {
        for setting in all where included(setting) && setting.applies(to: request.mode) {
            if let flag = setting.flag, let value = overrides[flag] {
                try setting.apply(&request, value, flag)
            } else if let file, let key = setting.key, let value = file.values[key] {
                try file.checkResolved(value, key: key, flag: setting.flag)
                try setting.apply(&request, value, key)
            } else if let variable = setting.environment, let value = environment[variable], !value.isEmpty {
                try setting.apply(&request, .text(value), variable)
            }
        }
    }

    /// Where the API is and the token it is sent: the URL's endpoint path dropped (the reference
    /// page shows the full URL), the token read from its file or variable, the CA file present.
    package static func resolveAccess(_ request: inout RunRequest, environment: [String: String]) throws(ExportError) {
        var baseURL = request.api.baseURL
        guard !baseURL.isEmpty else {
            throw .configuration("no API URL: pass --api-url URL (e.g. http://127.0.0.1:8080) or set api.url in the pipeline file")
        }
        while baseURL.hasSuffix("/") { baseURL.removeLast() }
        let path = request.api.path.hasPrefix("/") ? request.api.path : "/" + request.api.path
        request.api.baseURL = baseURL.hasSuffix(path) ? String(baseURL.dropLast(path.count)) : baseURL
        if request.api.tokenFile != nil { request.api.tokenEnv = nil }
        request.api.token = try token(file: request.api.tokenFile, variable: request.api.tokenEnv ?? "CUSTOMERS_API_TOKEN", environment: environment)
        if let caFile = request.api.caFile, !FileManager.default.fileExists(atPath: caFile) {
            throw .configuration("the CA file \(caFile) does not exist; check --ca-file or api.caFile")
        }
    }

    /// The API token, checked as it is read: a header value cannot hold a line break, and a
    /// file with a second line (a mounted env file, a pasted DSN) must not reach the HTTP client,
    /// whose error would quote the whole value. Errors name where the token came from, never it.
    package static func token(file: String?, variable: String, environment: [String: String]) throws(ExportError) -> String {
        if let path = file {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .configuration("cannot read the token file \(path); check --token-file")
            }
            TokenCheck.warnIfShared(path)
            return try TokenCheck.validated(String(decoding: data, as: UTF8.self), source: "the token file \(path)", fix: "put only the token in it")
        }
        guard let value = environment[variable], !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw .configuration("no API token: set \(variable) in the environment or pass --token-file FILE")
        }
        return try TokenCheck.validated(value, source: "the variable \(variable)", fix: "set it to the token alone")
    }

    /// A flag's help line for `--help`: the declaration's, with its default when it has one.
    package static func help(flag: String) -> String {
        guard let setting = all.first(where: { $0.flag == flag }) else { return "" }
        var shown = setting.show(.defaults)
        if let variable = setting.environment { shown = "$\(variable)" }
        guard !["", "none", "all", "false"].contains(shown) else { return setting.help }
        let sentence = setting.help.hasSuffix(".") ? String(setting.help.dropLast()) : setting.help
        return "\(sentence) (default \(shown))."
    }

    /// The default of a setting as the reference shows it.
    package static func defaultValue(of setting: Setting) -> String { setting.show(.defaults) }
}

extension RunRequest {
    /// Every setting at its default: the start of every overlay, and the defaults `--help` shows.
    package static var defaults: RunRequest {
        var request = RunRequest(pipeline: "", mode: .backfill, api: APIConfiguration(baseURL: "", token: ""), databaseURL: "", target: .standard, state: .standard)
        request.api.tokenEnv = "CUSTOMERS_API_TOKEN"
        return request
    }
}
