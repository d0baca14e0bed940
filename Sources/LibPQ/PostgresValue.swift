/// A Swift value bound to a statement parameter, written in PostgreSQL's text input format.
///
/// The one way values reach SQL: `execute(_:_:)` takes these, so no caller builds a literal by
/// hand (an array's braces, quotes and backslashes are written here, once). The server infers
/// or casts the parameter's type (`$1::timestamptz[]`); the text is what its input function reads.
public protocol PostgresEncodable {
    /// The value in PostgreSQL's text format for its type.
    var postgresText: String { get }
}

/// A Swift value read from a result column, from PostgreSQL's text output format.
public protocol PostgresDecodable {
    /// The value the text stands for; nil when the text is not one (the caller says which column).
    init?(postgresText: String)
}

/// A value that can be an element of an array parameter; nil is the element NULL. Optional is
/// one only inside arrays: a nil parameter is bound as SQL NULL by `execute` itself.
public protocol PostgresArrayElement {
    var postgresElementText: String? { get }
}

extension PostgresArrayElement where Self: PostgresEncodable {
    public var postgresElementText: String? { postgresText }
}

extension Optional: PostgresArrayElement where Wrapped: PostgresArrayElement {
    public var postgresElementText: String? { self?.postgresElementText }
}

extension String: PostgresArrayElement {}
extension Int: PostgresArrayElement {}
extension Int64: PostgresArrayElement {}
extension Int32: PostgresArrayElement {}
extension Double: PostgresArrayElement {}
extension Bool: PostgresArrayElement {}

extension String: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { self }
    public init?(postgresText: String) { self = postgresText }
}

extension Int: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { String(self) }
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Int64: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { String(self) }
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Int32: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { String(self) }
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Double: PostgresEncodable, PostgresDecodable {
    /// Swift's shortest round-tripping spelling, which `float8` and `numeric` both read; the
    /// non-finite values in the spelling PostgreSQL uses.
    public var postgresText: String {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return String(self)
    }
    public init?(postgresText: String) {
        switch postgresText {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default: self.init(postgresText)
        }
    }
}

extension Bool: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { self ? "true" : "false" }
    /// PostgreSQL writes booleans as `t` and `f`.
    public init?(postgresText: String) {
        switch postgresText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: return nil
        }
    }
}

extension Array: PostgresEncodable where Element: PostgresArrayElement {
    /// A one-dimensional array literal: every element double-quoted, with `"` and `\` escaped,
    /// so text holding commas, braces, quotes or spaces arrives as written; nil is `NULL`.
    public var postgresText: String {
        var text = "{"
        for (index, element) in enumerated() {
            if index > 0 { text += "," }
            guard let elementText = element.postgresElementText else {
                text += "NULL"
                continue
            }
            text += "\""
            for character in elementText {
                if character == "\"" || character == "\\" { text += "\\" }
                text.append(character)
            }
            text += "\""
        }
        return text + "}"
    }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    /// A one-dimensional array as PostgreSQL writes it (`{1,2,3}`, `{"a b","c\\"d"}`); nil when
    /// an element is NULL or not an `Element`, or the text is not such an array.
    public init?(postgresText text: String) {
        var characters = text[...]
        guard characters.popFirst() == "{", characters.popLast() == "}" else { return nil }
        var elements: [Element] = []
        while !characters.isEmpty {
            var element = ""
            if characters.first == "\"" {
                characters.removeFirst()
                while let character = characters.popFirst(), character != "\"" {
                    element.append(character == "\\" ? (characters.popFirst() ?? "\\") : character)
                }
            } else {
                while let character = characters.first, character != "," {
                    element.append(character)
                    characters.removeFirst()
                }
                if element == "NULL" { return nil }
            }
            guard let value = Element(postgresText: element) else { return nil }
            elements.append(value)
            if characters.first == "," { characters.removeFirst() } else if !characters.isEmpty { return nil }
        }
        self = elements
    }
}

extension QueryResult {
    /// The value in `row` at column position `column` as a `T`; nil for SQL NULL or when the
    /// result has no such row (an `UPDATE … RETURNING` that matched nothing).
    ///
    /// - Throws: a `.query` error naming the column when its text is not a `T` (a schema that
    ///   changed under the exporter, not a value to guess at).
    public func decode<T: PostgresDecodable>(_ type: T.Type, row: Int = 0, column: Int = 0) throws(PostgresError) -> T? {
        guard row < rows.count else { return nil }
        guard column < rows[row].count else {
            throw PostgresError(kind: .query, message: "the result has no column \(column) (columns \(columnNames))")
        }
        guard let text = rows[row][column] else { return nil }
        guard let value = T(postgresText: text) else {
            let name = column < columnNames.count ? columnNames[column] : "\(column)"
            throw PostgresError(kind: .query, message: "column \(name) of row \(row) holds \"\(text.prefix(64))\", which is not a \(T.self)")
        }
        return value
    }

    /// The value in `row` of the column named `column` as a `T`; nil for SQL NULL.
    public func decode<T: PostgresDecodable>(_ type: T.Type, row: Int = 0, column: String) throws(PostgresError) -> T? {
        guard let index = columnIndex(column) else {
            throw PostgresError(kind: .query, message: "the result has no column \(column) (columns \(columnNames))")
        }
        return try decode(type, row: row, column: index)
    }

    /// The first column of the first row as a `T`: what `SELECT count(*)` and friends return.
    /// A missing row or a NULL is an error, since such a query always returns one value.
    public func single<T: PostgresDecodable>(_ type: T.Type) throws(PostgresError) -> T {
        guard let value = try decode(type) else {
            throw PostgresError(kind: .query, message: "the statement returned no \(T.self) where it returns one (\(rows.count) rows)")
        }
        return value
    }
}

extension QueryResult {
    /// One row of a result, read by type: `for row in result.typedRows { try row.decode(Int64.self, 0) }`.
    public struct Row: Sendable {
        public let result: QueryResult
        public let index: Int

        /// The value at column position `column` as a `T`; nil for SQL NULL.
        public func decode<T: PostgresDecodable>(_ type: T.Type, _ column: Int) throws(PostgresError) -> T? {
            try result.decode(type, row: index, column: column)
        }

        /// The value at `column` as text, as PostgreSQL wrote it; nil for SQL NULL.
        public subscript(column: Int) -> String? { result.rows[index][column] }
    }

    public var typedRows: [Row] { rows.indices.map { Row(result: self, index: $0) } }
}
