import CustomerExportCommon

extension CustomersAPIClient {
    /// Fetches `request` as one or more pages covering its offsets, in order.
    ///
    /// A body over `api.maxResponseBytes` was abandoned as it streamed in; its page is fetched
    /// again as two half pages, and so on down to single records. A single record still over the
    /// limit is not read at all: it becomes a page of one rejected element naming its window,
    /// offset and the limit, quarantined like any bad record, so the window's other records load
    /// and memory stays bounded by the limit whatever the API sends.
    package func fetchSplittingOversized(_ request: PageRequest, slot: RequestSlot? = nil) throws(ExtractError) -> [FetchedPage] {
        do {
            return [try fetch(request, slot: slot)]
        } catch .bodyTooLarge(let limit, _, let id) {
            guard request.limit > 1 else { return [oversizedRecord(request, limit: limit, id: id)] }
            let half = request.limit / 2
            let first = try fetchSplittingOversized(PageRequest(window: request.window, offset: request.offset, limit: half), slot: slot)
            // The data ended inside the first half: nothing to ask for after it.
            guard first.reduce(0, { $0 + $1.body.entryCount }) >= half else { return first }
            let second = try fetchSplittingOversized(
                PageRequest(window: request.window, offset: request.offset + half, limit: request.limit - half), slot: slot)
            return first + second
        }
    }

    /// A `limit=1` request for counting or locating, moved to the next offsets (at most 3) when
    /// the record at its offset is over the body limit: `total` is the same at any offset, and a
    /// cut placed one record later is as good.
    package func fetchProbe(_ request: PageRequest) throws(ExtractError) -> FetchedPage {
        var step = 0
        while true {
            do {
                return try fetch(PageRequest(window: request.window, offset: request.offset + step, limit: request.limit))
            } catch .bodyTooLarge(let limit, let url, let id) {
                step += 1
                guard step <= 3 else { throw .bodyTooLarge(limit: limit, request: url, firstRecordId: id) }
            }
        }
    }

    /// The page standing for one record over the limit. Its placeholder leads with the record's
    /// `id` when the body's leading bytes named it, so the quarantine entry carries it: `quarantine
    /// list` says which customer is missing, and a reconcile never takes it for a deletion.
    private func oversizedRecord(_ request: PageRequest, limit: Int, id: String?) -> FetchedPage {
        let window = request.window
        let position = "window \(window.field.rawValue) \(window.from) – \(window.to), offset \(request.offset)"
        let idMember = id.map { #""id": "# + $0 + ", " } ?? ""
        let placeholder = "{" + idMember + #""oversizedRecord": {"window": ""# + "\(window.from)/\(window.to)" + #"", "field": ""# + window.field.rawValue
            + #"", "offset": "# + "\(request.offset)" + #", "maxResponseBytes": "# + "\(limit)" + "}}"
        let record = id.map { "record \($0)" } ?? "a single record (its id was not in the leading bytes)"
        let body = PageBody(
            placeholder: Array(placeholder.utf8),
            reason: "\(record) over api.maxResponseBytes (\(limit) bytes), not read: \(position) (GET \(url(for: request)))")
        return FetchedPage(request: request, body: body, attempts: 1)
    }
}
