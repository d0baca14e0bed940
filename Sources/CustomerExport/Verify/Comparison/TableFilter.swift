import Foundation
import LibPQ
import CustomerExportCommon
import CustomerExportExtract

/// The endpoint's filters as a predicate on the target table, so that verify counts and reads
/// the rows the API would return for the same request. Only the filters with a column of their
/// own translate (`types`, `customerIds`, `parentId`, `operatorId`); `VerifyRequest.validate`
/// refuses the others.
package struct TableFilter {
    package let filters: CustomerFilters

    package init(filters: CustomerFilters) {
        self.filters = filters
    }

    /// `AND …` conditions on the alias `t`, numbering parameters from `first`, with their values.
    package func predicate(alias t: String, firstParameter first: Int) -> (sql: String, parameters: [(any PostgresEncodable)?]) {
        var sql = ""
        var parameters: [(any PostgresEncodable)?] = []
        func add(_ condition: (String) -> String, _ value: any PostgresEncodable) {
            parameters.append(value)
            sql += " AND " + condition("$\(first + parameters.count - 1)")
        }
        if !filters.types.isEmpty { add({ "\(t).type = ANY(\($0)::text[])" }, filters.types) }
        if !filters.customerIds.isEmpty { add({ "\(t).id = ANY(\($0)::bigint[])" }, filters.customerIds) }
        if let parentId = filters.parentId { add({ "\(t).parent_id = \($0)::bigint" }, parentId) }
        if let operatorId = filters.operatorId { add({ "\(t).operator_id = \($0)::bigint" }, operatorId) }
        return (sql, parameters)
    }
}
