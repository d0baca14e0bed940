import CustomerExportCommon

/// The endpoint's filters: values the API would accept but that cannot be meant (a blank type or
/// search, an id no customer can have, an empty list that would export nothing) are refused with
/// the flag or key they came from. The contract gives type values only as examples, so unknown
/// types are passed on, not refused.
extension SettingCodec where Value == [String] {
    package static var customerTypes: Self {
        SettingCodec(parse: { (value, name) throws(ExportError) in
            let types = try list(value, name)
            if let blank = types.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                throw .configuration("\(name) has an empty value (entry \(blank + 1)); give a customer type such as business or fleet")
            }
            return types
        }, show: { $0.isEmpty ? "all" : $0.joined(separator: ",") }, encode: { .list($0.map(StoredValue.string)) }, decode: { $0.strings })
    }

    /// A list from a sequence or a repeatable flag (one value is a list of one); never empty.
    package static func list(_ value: SettingValue, _ name: String) throws(ExportError) -> [String] {
        switch value {
        case let .text(text): return [text]
        case let .list(items):
            guard !items.isEmpty else { throw .configuration("`\(name)` is an empty list, which would export nothing; remove the key or list at least one value") }
            return items
        }
    }
}

extension SettingCodec where Value == [Int64] {
    package static var customerIds: Self {
        SettingCodec(parse: { (value, name) throws(ExportError) in
            var ids: [Int64] = []
            for text in try SettingCodec<[String]>.list(value, name) { ids.append(try parseCustomerId(text, name)) }
            return ids
        }, show: { $0.isEmpty ? "all" : $0.map(String.init).joined(separator: ",") }, encode: { .list($0.map(StoredValue.integer)) }, decode: { $0.integers })
    }
}

extension SettingCodec where Value == Int64 {
    package static var customerId: Self {
        SettingCodec(parse: { (value, name) throws(ExportError) in try parseCustomerId(try scalar(value, name), name) },
                     show: { String($0) }, encode: { .integer($0) }, decode: { $0.integer })
    }
}

extension SettingCodec where Value == String {
    package static var searchText: Self {
        SettingCodec(parse: { (value, name) throws(ExportError) in
            let text = try scalar(value, name)
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw .configuration("\(name) is empty; give the text to search for, or leave it out")
            }
            return text
        }, show: { $0 }, encode: { .string($0) }, decode: { $0.string })
    }
}

extension SettingCodec {
    package static func parseCustomerId(_ text: String, _ name: String) throws(ExportError) -> Int64 {
        guard let id = Int64(text.trimmingCharacters(in: .whitespaces)) else {
            throw .configuration("\(name) \"\(text)\" is not a customer id; give a whole number")
        }
        guard id > 0 else { throw .configuration("\(name) must be a positive customer id (got \(id))") }
        return id
    }
}
