import CustomerExportCommon

extension CustomersAPIClient {
    /// Every page of a small query (records asked for by id), each read on from where the last
    /// one stopped until the API proves the end: an empty page, the page's own total reached, or
    /// (without a total) a short page whose `meta.limit` says the size asked was served. A server
    /// that serves fewer records than asked cannot make it stop early; `maxEntries` bounds what a
    /// server can make it read (ids asked for, times the versions one id may have).
    package func fetchAll(in window: TimeWindow, limit: Int, maxEntries: Int) throws(ExtractError) -> [FetchedPage] {
        var pages: [FetchedPage] = []
        var offset = 0
        while offset < maxEntries {
            let fetched = try fetchSplittingOversized(PageRequest(window: window, offset: offset, limit: limit))
            pages += fetched
            let served = fetched.reduce(0) { $0 + $1.body.entryCount }
            offset += served
            if served == 0 { break }
            if let total = fetched.lazy.compactMap(\.body.total).first {
                if offset >= total { break }
            } else if served < limit, fetched.count == 1, fetched[0].body.servedLimit == limit {
                break
            }
        }
        return pages
    }
}
