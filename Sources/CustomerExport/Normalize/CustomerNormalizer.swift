import Foundation
import CustomerExportCommon

/// Turns an API record into a `CustomerRow`, or quarantines it with the reason it cannot be one.
///
/// It never throws: a bad record must not stop a run. Strings are trimmed, e-mails lower-cased,
/// country codes upper-cased; NUL characters are removed and flagged; timestamps in any spelling
/// become one instant. A record is quarantined when it has no integer `id`, an unparseable or
/// missing `createdAt`/`updatedAt`, `updatedAt` before `createdAt`, a field of the wrong JSON type,
/// or a string longer than `maxStringBytes` (a 1 MB "name" is an upstream bug, not a name).
package struct CustomerNormalizer: Sendable {
    package var maxStringBytes: Int

    package init(maxStringBytes: Int = 65_536) {
        self.maxStringBytes = maxStringBytes
    }

    /// Normalizes every record of a page, in order, then quarantines the elements the page's
    /// scan refused (bytes PostgreSQL cannot take), one entry each.
    package func normalize(page: PageBody) -> [NormalizedRecord] {
        page.bytes.withUnsafeBufferPointer { buffer in
            page.records.map { normalize(buffer, $0) } + page.rejected.map { .quarantined($0.quarantined(in: buffer)) }
        }
    }

    package func normalize(_ buffer: UnsafeBufferPointer<UInt8>, _ record: Range<Int>) -> NormalizedRecord {
        var fields = RecordFields()
        var scanner = JSONScanner(buffer, position: record.lowerBound)
        do {
            try scanner.scanObject { (_: inout JSONScanner, key: Range<Int>, value: JSONSpan) throws(JSONSyntaxError) in
                fields.assign(name: JSONText.decodeString(buffer, key).value, value: value)
            }
        } catch {
            return quarantine(buffer, record, fields: fields, reason: "record is not a JSON object (\(error))")
        }
        let removedNULAnywhere = scanner.sawNULEscape
        do {
            var row = try makeRow(buffer, fields)
            row.raw = removedNULAnywhere ? JSONText.removingNULEscapes(buffer, record) : Array(buffer[record])
            if removedNULAnywhere, !row.qualityFlags.contains("nul_removed") { row.qualityFlags.append("nul_removed") }
            return .row(row)
        } catch let problem as FieldProblem {
            return quarantine(buffer, record, fields: fields, reason: problem.reason)
        } catch {
            return quarantine(buffer, record, fields: fields, reason: "\(error)")
        }
    }

    private func quarantine(_ buffer: UnsafeBufferPointer<UInt8>, _ record: Range<Int>, fields: RecordFields, reason: String) -> NormalizedRecord {
        var sourceId: String?
        if let id = fields.id {
            let text = id.kind == .string ? JSONText.decodeString(buffer, id.range).value : String(decoding: buffer[id.range], as: UTF8.self)
            sourceId = String(text.prefix(100))
        }
        return .quarantined(QuarantinedRecord(sourceId: sourceId, reason: reason, payload: JSONText.removingNULEscapes(buffer, record)))
    }

    private func makeRow(_ buffer: UnsafeBufferPointer<UInt8>, _ fields: RecordFields) throws -> CustomerRow {
        var reader = FieldReader(buffer: buffer, maxStringBytes: maxStringBytes)
        guard let idSpan = fields.id else { throw FieldProblem("missing id") }
        guard idSpan.kind == .number, let id = JSONText.decodeInt64(buffer, idSpan.range) else {
            throw FieldProblem("id is not an integer: \(String(decoding: buffer[idSpan.range].prefix(40), as: UTF8.self))")
        }
        let createdAt = try reader.timestamp(fields.createdAt, "createdAt")
        let updatedAt = try reader.timestamp(fields.updatedAt, "updatedAt")
        guard updatedAt >= createdAt else {
            throw FieldProblem("updatedAt \(updatedAt) is before createdAt \(createdAt)")
        }
        var row = CustomerRow(id: id, createdAt: createdAt, updatedAt: updatedAt, raw: [])
        row.externalId = try reader.string(fields.externalId, "externalId")
        row.name = try reader.string(fields.name, "name")
        row.type = try reader.string(fields.type, "type")
        row.status = try reader.string(fields.status, "status")
        row.parentId = try reader.integer(fields.parentId, "parentId")
        row.operatorId = try reader.integer(fields.operatorId, "operatorId")
        row.email = try reader.string(fields.email, "email")?.lowercased()
        row.phone = try reader.string(fields.phone, "phone")
        row.countryCode = try reader.string(fields.countryCode, "countryCode")?.uppercased()
        row.addressJSON = try reader.object(fields.address, "address")
        row.metadataJSON = try reader.object(fields.metadata, "metadata")
        if reader.removedNUL { row.qualityFlags.append("nul_removed") }
        return row
    }
}

/// Why a record was quarantined, as the sentence stored with it.
package struct FieldProblem: Error {
    package var reason: String
    package init(_ reason: String) { self.reason = reason }
}

/// The spans of the members the normalizer reads; the last occurrence of a name wins, as in jsonb.
package struct RecordFields {
    package var id, externalId, name, type, status, parentId, operatorId: JSONSpan?
    package var email, phone, countryCode, address, metadata, createdAt, updatedAt: JSONSpan?

    package mutating func assign(name: String, value: JSONSpan) {
        switch name {
        case "id": id = value
        case "externalId": externalId = value
        case "name": self.name = value
        case "type": type = value
        case "status": status = value
        case "parentId": parentId = value
        case "operatorId": operatorId = value
        case "email": email = value
        case "phone": phone = value
        case "countryCode": countryCode = value
        case "address": address = value
        case "metadata": metadata = value
        case "createdAt": createdAt = value
        case "updatedAt": updatedAt = value
        default: break
        }
    }
}

/// Typed reads of optional members, with the checks every field shares.
package struct FieldReader {
    package let buffer: UnsafeBufferPointer<UInt8>
    package let maxStringBytes: Int
    package private(set) var removedNUL = false

    package init(buffer: UnsafeBufferPointer<UInt8>, maxStringBytes: Int) {
        self.buffer = buffer
        self.maxStringBytes = maxStringBytes
    }

    package mutating func string(_ span: JSONSpan?, _ name: String) throws -> String? {
        guard let span, span.kind != .null else { return nil }
        guard span.kind == .string else { throw FieldProblem("\(name) is a JSON \(span.kind), expected a string") }
        guard span.range.count - 2 <= maxStringBytes else {
            throw FieldProblem("\(name) is \(span.range.count - 2) bytes long, over the limit of \(maxStringBytes)")
        }
        let (value, hadNUL) = JSONText.decodeString(buffer, span.range)
        if hadNUL { removedNUL = true }
        // Most values have nothing to trim; Foundation's trimming is only paid when they do.
        guard let first = value.unicodeScalars.first, let last = value.unicodeScalars.last,
              Self.isWhitespace(first) || Self.isWhitespace(last)
        else { return value }
        return value.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Unicode's White_Space, with ASCII answered without the property tables (their lookup was
    /// 5% of the exporter's CPU, for two scalars of every string).
    package static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? scalar == " " || (0x09...0x0D).contains(scalar.value) : scalar.properties.isWhitespace
    }

    package func integer(_ span: JSONSpan?, _ name: String) throws -> Int64? {
        guard let span, span.kind != .null else { return nil }
        guard span.kind == .number, let value = JSONText.decodeInt64(buffer, span.range) else {
            throw FieldProblem("\(name) is not an integer")
        }
        return value
    }

    package func object(_ span: JSONSpan?, _ name: String) throws -> [UInt8]? {
        guard let span, span.kind != .null else { return nil }
        guard span.kind == .object else { throw FieldProblem("\(name) is a JSON \(span.kind), expected an object") }
        guard span.range.count <= maxStringBytes * 4 else {
            throw FieldProblem("\(name) is \(span.range.count) bytes long, over the limit of \(maxStringBytes * 4)")
        }
        return JSONText.removingNULEscapes(buffer, span.range)
    }

    package func timestamp(_ span: JSONSpan?, _ name: String) throws -> Timestamp {
        guard let span else { throw FieldProblem("missing \(name)") }
        guard span.kind == .string else { throw FieldProblem("\(name) is a JSON \(span.kind), expected an RFC 3339 string") }
        let inner = UnsafeBufferPointer(rebasing: buffer[(span.range.lowerBound + 1)..<(span.range.upperBound - 1)])
        guard let value = Timestamp(rfc3339: inner) else {
            throw FieldProblem("unparseable \(name): \"\(String(decoding: inner.prefix(60), as: UTF8.self))\"")
        }
        return value
    }
}
