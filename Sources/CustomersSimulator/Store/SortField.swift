/// The orders a page can be sorted in (`sortBy`).
enum SortField: String, CaseIterable, Sendable {
    case id
    case name
    case createdAt
    case updatedAt
}

extension [Row] {
    /// Whether the row at slot `a` comes before the row at slot `b` in `field`'s ascending order.
    ///
    /// Ties on the key are broken by id and then by slot, so the order is total even for a
    /// `duplicate-older` row that shares its id with a live customer (the real one, generated
    /// first, has the smaller slot). Descending order is exactly the reverse, which gives the
    /// contract's "ties broken by id in the same direction".
    func precedes(_ a: Int32, _ b: Int32, by field: SortField) -> Bool {
        // Fields are read in place: binding whole rows would retain their arrays on every comparison.
        let (left, right) = (Int(a), Int(b))
        switch field {
        case .id:
            break
        case .name:
            let order = Self.compare(self[left].name, self[right].name)
            if order != 0 { return order < 0 }
        case .createdAt:
            let (x, y) = (self[left].createdAt, self[right].createdAt)
            if x != y { return x < y }
        case .updatedAt:
            let (x, y) = (self[left].updatedAt, self[right].updatedAt)
            if x != y { return x < y }
        }
        let (x, y) = (self[left].id, self[right].id)
        if x != y { return x < y }
        return a < b
    }

    /// Byte-wise comparison of UTF-8 (which is code-point order): negative, zero or positive.
    static func compare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        a.withUnsafeBufferPointer { left in
            b.withUnsafeBufferPointer { right in
                let common = Swift.min(left.count, right.count)
                for index in 0..<common where left[index] != right[index] {
                    return Int(left[index]) - Int(right[index])
                }
                return left.count - right.count
            }
        }
    }
}
