import CustomerExportCommon

/// One setting of a run, declared once: its pipeline-file key, its flag, its help line, the name
/// it is stored under with a run, and how it is parsed, checked and written into the request.
///
/// Why: a setting used to be written out in up to thirteen places (the file's type and its key
/// list, the overrides, the builder, the stored parameters both ways…), and they drifted. Now the
/// pipeline file, the flags, `runs.params`, `--help` and `docs/configuration.md` all read the
/// declarations in `RunSettings.all`, so adding a setting is one declaration, its flag where it has
/// one, and the code that uses it.
///
/// ```swift
/// Setting("maxStringBytes", \.normalizer.maxStringBytes, .count(atLeast: 1), stored: "maxStringBytes",
///         help: "The longest string a record may hold; a longer one quarantines the record.")
/// ```
///
/// A setting's default is the value its field holds in `RunRequest.defaults` (written once, on the
/// field's type); `--help`, the reference and a refused value's sentence all show it from there:
///
/// ```swift
/// // maxStringBytes: 0 in a pipeline file: "maxStringBytes must be at least 1 (it is 0); the default is 65536"
/// ```
package struct Setting {
    /// The key in a pipeline file (`api.timeout`); nil for a flag that only a command line sets.
    package let key: String?
    /// The command-line flag (`--window-rows`); nil for a setting only a pipeline file sets.
    package let flag: String?
    package let help: String
    /// The field of `runs.params` it is kept in (a dotted path for nested ones), so a worker
    /// started with only `--run ID` reads it as planned; nil for secrets and per-process settings.
    package let stored: String?
    /// The modes it applies to (the `backfill` and `incremental` sections); nil: all.
    package let modes: Set<RunMode>?
    /// The variable read when neither a flag nor the file gives the setting.
    package let environment: String?
    package let apply: (inout RunRequest, SettingValue, String) throws(ExportError) -> Void
    package let store: (RunRequest) -> StoredValue?
    package let restore: (inout RunRequest, StoredValue) throws(ExportError) -> Bool
    package let show: (RunRequest) -> String

    /// A setting whose parsed value goes to `path` of the request.
    package init<Value>(
        _ key: String?, flag: String? = nil, _ path: WritableKeyPath<RunRequest, Value>, _ codec: SettingCodec<Value>,
        stored: String? = nil, modes: Set<RunMode>? = nil, environment: String? = nil, help: String
    ) {
        self.init(key, flag: flag, codec, stored: stored, modes: modes, environment: environment, help: help,
                  get: { $0[keyPath: path] }, set: { request, value throws(ExportError) in request[keyPath: path] = value })
    }

    /// A setting whose value is written by `set`, for values that check themselves as they are
    /// built (a table name, a schema).
    package init<Value>(
        _ key: String?, flag: String? = nil, _ codec: SettingCodec<Value>, stored: String? = nil, modes: Set<RunMode>? = nil,
        environment: String? = nil, help: String,
        get: @escaping (RunRequest) -> Value, set: @escaping (inout RunRequest, Value) throws(ExportError) -> Void
    ) {
        self.key = key
        self.flag = flag
        self.help = help
        self.stored = stored
        self.modes = modes
        self.environment = environment
        apply = { request, value, name throws(ExportError) in
            do throws(ExportError) {
                try set(&request, try codec.parse(value, name))
            } catch {
                guard !codec.hinted, case let .configuration(problem) = error else { throw error }
                throw .configuration("\(problem); the default is \(codec.show(get(.defaults)))")
            }
        }
        store = { codec.encode(get($0)) }
        restore = { request, stored throws(ExportError) in
            guard let value = codec.decode(stored) else { return false }
            try set(&request, value)
            return true
        }
        show = { codec.show(get($0)) }
    }

    /// Whether a value for this setting is used in `mode` (a `backfill.*` key is not in an
    /// incremental run).
    package func applies(to mode: RunMode) -> Bool { modes?.contains(mode) ?? true }

    /// The setting's name in messages: its key, else its flag.
    package var name: String { key ?? flag ?? "" }
}
