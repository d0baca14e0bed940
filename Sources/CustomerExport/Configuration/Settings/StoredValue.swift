
/// A value in `runs.params`, the JSON object a run's settings are stored in: the shapes JSON has,
/// so that any setting's codec can write and read it without a type per setting.
package enum StoredValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case list([StoredValue])
    case object([String: StoredValue])

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([StoredValue].self) { self = .list(value) }
        else { self = .object(try container.decode([String: StoredValue].self)) }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .integer(value): try container.encode(value)
        case let .number(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .list(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }

    package var string: String? { if case let .string(value) = self { value } else { nil } }
    package var bool: Bool? { if case let .bool(value) = self { value } else { nil } }
    package var integer: Int64? {
        switch self {
        case let .integer(value): value
        case let .number(value) where value.rounded() == value && abs(value) < 9e18: Int64(value)
        default: nil
        }
    }
    package var number: Double? {
        switch self {
        case let .number(value): value
        case let .integer(value): Double(value)
        default: nil
        }
    }
    package var strings: [String]? {
        guard case let .list(items) = self else { return nil }
        let values = items.compactMap(\.string)
        return values.count == items.count ? values : nil
    }
    package var integers: [Int64]? {
        guard case let .list(items) = self else { return nil }
        let values = items.compactMap(\.integer)
        return values.count == items.count ? values : nil
    }

    /// The value at a dotted path (`filters.types`) in an object.
    package subscript(path path: String) -> StoredValue? {
        var node: StoredValue? = self
        for part in path.split(separator: ".") {
            guard case let .object(fields) = node else { return nil }
            node = fields[String(part)]
        }
        return node
    }

    /// Sets the value at a dotted path, creating the objects on the way.
    package mutating func set(_ value: StoredValue, at path: some StringProtocol) {
        let parts = path.split(separator: ".", maxSplits: 1)
        guard case var .object(fields) = self else { self = .object([:]); set(value, at: path); return }
        if parts.count == 1 {
            fields[String(parts[0])] = value
        } else {
            var child = fields[String(parts[0])] ?? .object([:])
            child.set(value, at: parts[1])
            fields[String(parts[0])] = child
        }
        self = .object(fields)
    }
}
