import Foundation
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
    package func predicate(alias t: String, firstParameter first: Int) -> (sql: String, parameters: [String?]) {
        var sql = ""
        var parameters: [String?] = []
        func add(_ condition: (String) -> String, _ value: String) {
            parameters.append(value)
            sql += " AND " + condition("$\(first + parameters.count - 1)")
        }
        if !filters.types.isEmpty { add({ "\(t).type = ANY(\($0)::text[])" }, Self.arrayLiteral(filters.types)) }
        if !filters.customerIds.isEmpty { add({ "\(t).id = ANY(\($0)::bigint[])" }, Self.arrayLiteral(filters.customerIds.map(String.init))) }
        if let parentId = filters.parentId { add({ "\(t).parent_id = \($0)::bigint" }, String(parentId)) }
        if let operatorId = filters.operatorId { add({ "\(t).operator_id = \($0)::bigint" }, String(operatorId)) }
        return (sql, parameters)
    }

    /// A PostgreSQL array literal of `values`, each quoted, so no value can end the array early.
    package static func arrayLiteral(_ values: [String]) -> String {
        "{" + values.map { value in
            "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }.joined(separator: ",") + "}"
    }
}
