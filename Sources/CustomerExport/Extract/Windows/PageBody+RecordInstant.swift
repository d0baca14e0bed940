import Foundation
import CustomerExportCommon

extension PageBody {
    /// The window field's instant of the page's first record, or nil when the page is empty or
    /// the record has no readable instant there. The planner reads one record per `limit=1`
    /// request, so decoding it with Foundation costs nothing worth a faster path; a record it
    /// cannot read only means no window is cut at it.
    package func firstRecordInstant(of field: WindowField) -> Timestamp? {
        guard let range = records.first,
              let object = try? JSONSerialization.jsonObject(with: Data(bytes[range])) as? [String: Any],
              let text = object[field.rawValue] as? String
        else { return nil }
        return Timestamp(rfc3339: text)
    }
}
