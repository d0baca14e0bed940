/// The predicate of a query: every filter of ``CustomerQuery`` except paging and order.
///
/// `ownerId` is resolved once to the set of descendant slots; everything else is compared
/// against the row's keys in place.
struct RowFilter {
    var createdAt: InstantBounds
    var updatedAt: InstantBounds
    var types: Set<CustomerType>?
    var parentID: Int64?
    var operatorID: Int64?
    var customerIDs: Set<Int64>?
    var ownerSlots: Set<Int32>?
    var search: [UInt8]?
    /// Whether `search` could match an id's decimal text at all.
    private var searchIsNumeric = false

    init(_ query: CustomerQuery, store: CustomerStore) {
        createdAt = query.createdAt
        updatedAt = query.updatedAt
        types = query.types.map { Set($0.compactMap(CustomerType.init(rawValue:))) }
        parentID = query.parentID
        operatorID = query.operatorID
        customerIDs = query.customerIDs
        ownerSlots = query.ownerID.map { Set(store.descendants(ofID: $0)) }
        search = query.search
        searchIsNumeric = search?.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } ?? false
    }

    /// True when the filter lets every row through.
    var isEmpty: Bool {
        createdAt.isUnbounded && updatedAt.isUnbounded && types == nil && parentID == nil && operatorID == nil
            && customerIDs == nil && ownerSlots == nil && search == nil
    }

    func matches(_ slot: Int32, in rows: [Row]) -> Bool {
        let index = Int(slot)
        if !createdAt.isUnbounded, !createdAt.contains(rows[index].createdAt) { return false }
        if !updatedAt.isUnbounded, !updatedAt.contains(rows[index].updatedAt) { return false }
        if let types, !types.contains(rows[index].keys.type) { return false }
        if let parentID, rows[index].keys.parentId != parentID { return false }
        if let operatorID, rows[index].keys.operatorId != operatorID { return false }
        if let customerIDs, !customerIDs.contains(rows[index].id) { return false }
        if let ownerSlots, !ownerSlots.contains(slot) { return false }
        if let search {
            let inText = SearchText.contains(rows[index].searchText, search)
            if !inText, !(searchIsNumeric && SearchText.contains(Array(String(rows[index].id).utf8), search)) { return false }
        }
        return true
    }
}
