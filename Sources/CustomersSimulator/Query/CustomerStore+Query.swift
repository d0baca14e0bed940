/// One page of results: the records' bytes and, when asked for, the number of matches.
struct PageResult: Sendable {
    var total: Int?
    var records: [[UInt8]]
}

extension CustomerStore {
    /// Answers a query.
    ///
    /// The sort field's index gives the order. A date range on that same field becomes a rank
    /// range by binary search, so a page filtered only that way costs O(log n + limit). When a
    /// hierarchy or id filter names fewer rows than the rank range holds, those rows are
    /// filtered and sorted instead; otherwise the rank range is scanned.
    func page(_ query: CustomerQuery, countingTotal: Bool) -> PageResult {
        let index = index(for: query.sortBy)
        let full = RowFilter(query, store: self)
        var residual = full
        var ranks = 0..<index.count
        switch query.sortBy {
        case .createdAt:
            ranks = rankRange(of: query.createdAt, in: index) { rows[Int($0)].createdAt }
            residual.createdAt = InstantBounds()
        case .updatedAt:
            ranks = rankRange(of: query.updatedAt, in: index) { rows[Int($0)].updatedAt }
            residual.updatedAt = InstantBounds()
        case .id, .name:
            break
        }

        if let candidates = narrowestCandidates(for: query, filter: full), candidates.count < ranks.count {
            let matches = candidates.filter { full.matches($0, in: rows) }
                .sorted { query.descending ? rows.precedes($1, $0, by: query.sortBy) : rows.precedes($0, $1, by: query.sortBy) }
            let window = matches.dropFirst(query.offset).prefix(query.limit)
            return PageResult(total: matches.count, records: window.map { rows[Int($0)].json })
        }

        if residual.isEmpty {
            let start = min(ranks.count, query.offset)
            let window = start..<min(ranks.count, start + query.limit)
            let pageRanks = query.descending
                ? (ranks.upperBound - window.upperBound)..<(ranks.upperBound - window.lowerBound)
                : (ranks.lowerBound + window.lowerBound)..<(ranks.lowerBound + window.upperBound)
            var records: [[UInt8]] = []
            records.reserveCapacity(window.count)
            index.forEach(in: pageRanks, descending: query.descending) { slot in
                records.append(rows[Int(slot)].json)
                return true
            }
            return PageResult(total: ranks.count, records: records)
        }

        var matched = 0
        var records: [[UInt8]] = []
        let window = query.offset..<(query.offset + query.limit)
        index.forEach(in: ranks, descending: query.descending) { slot in
            guard residual.matches(slot, in: rows) else { return true }
            if window.contains(matched) { records.append(rows[Int(slot)].json) }
            matched += 1
            return countingTotal || matched < window.upperBound
        }
        return PageResult(total: countingTotal ? matched : nil, records: records)
    }

    /// The ranks of `index` whose key lies in `bounds` (the index must be ordered by that key).
    private func rankRange(of bounds: InstantBounds, in index: SortedSlots, key: (Int32) -> Instant) -> Range<Int> {
        let lower = bounds.lower.map { bound in index.firstRank { key($0) >= bound } } ?? 0
        let upper = bounds.upper.map { bound in index.firstRank { key($0) > bound } } ?? index.count
        return lower..<max(lower, upper)
    }

    /// The smallest candidate set a hierarchy or id filter names, if the query has one.
    private func narrowestCandidates(for query: CustomerQuery, filter: RowFilter) -> [Int32]? {
        var sets: [[Int32]] = []
        if let ids = query.customerIDs { sets.append(ids.flatMap { slots(withID: $0) }) }
        if let parent = query.parentID { sets.append(children(ofID: parent)) }
        if let owners = filter.ownerSlots { sets.append(Array(owners)) }
        if let operatorID = query.operatorID { sets.append(members(ofOperator: operatorID)) }
        return sets.min { $0.count < $1.count }
    }
}
