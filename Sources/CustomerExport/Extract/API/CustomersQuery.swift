
/// Builds request URLs: explicit sort (never the server's defaults, which change with the filters
/// sent), inclusive window bounds, the configured filters, every value percent-encoded.
package struct CustomersQuery: Sendable {
    package var endpoint: String
    package var filters: CustomerFilters
    package var arrayStyle: ArrayParameterStyle

    package init(endpoint: String, filters: CustomerFilters, arrayStyle: ArrayParameterStyle) {
        self.endpoint = endpoint
        self.filters = filters
        self.arrayStyle = arrayStyle
    }

    package func url(for request: PageRequest) -> String {
        var items: [(String, String)] = [
            ("limit", String(request.limit)),
            ("offset", String(request.offset)),
            ("sortBy", request.window.field.rawValue),
            ("sortDirection", "asc"),
            (request.window.field.fromParameter, request.window.from.rfc3339),
            (request.window.field.toParameter, request.window.to.rfc3339),
        ]
        appendArray("types", filters.types, to: &items)
        appendArray("customerIds", filters.customerIds.map(String.init), to: &items)
        if let parentId = filters.parentId { items.append(("parentId", String(parentId))) }
        if let ownerId = filters.ownerId { items.append(("ownerId", String(ownerId))) }
        if let operatorId = filters.operatorId { items.append(("operatorId", String(operatorId))) }
        if let search = filters.search { items.append(("search", search)) }
        let query = items.map { Self.percentEncode($0.0) + "=" + Self.percentEncode($0.1) }.joined(separator: "&")
        return endpoint + "?" + query
    }

    private func appendArray(_ name: String, _ values: [String], to items: inout [(String, String)]) {
        guard !values.isEmpty else { return }
        switch arrayStyle {
        case .repeated: items.append(contentsOf: values.map { (name, $0) })
        case .commaSeparated: items.append((name, values.joined(separator: ",")))
        }
    }

    /// RFC 3986 unreserved characters pass; everything else is `%XX`. A `+` in a UTC offset must
    /// travel as `%2B`, or servers read it as a space.
    package static func percentEncode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return out
    }
}
