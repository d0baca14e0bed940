import CustomerExportCommon
import CustomerExportExtract

/// Asks the API for given ids within a window (`customerIds=…` with the window's bounds and the
/// verify's other filters): whether rows the table holds, and a read of a moving window did not
/// deliver, are still there. Offset paging skips a record when one before it is deleted
/// mid-read; asking by id cannot skip it.
package struct IdLookup: Sendable {
    package let client: CustomersAPIClient

    package init(client: CustomersAPIClient) {
        self.client = client
    }

    /// The records of `ids` that the API returns in `window`, in pages of at most the page size.
    package func pages(for ids: [Int64], in window: TimeWindow) throws(ExtractError) -> [FetchedPage] {
        let batch = max(1, min(100, client.configuration.pageLimit))
        var pages: [FetchedPage] = []
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(ids.count, start + batch)])
            start += batch
            var configuration = client.configuration
            configuration.filters.customerIds = chunk
            let asking = CustomersAPIClient(
                configuration: configuration, transport: client.transport, stats: client.stats, cancellation: client.cancellation,
                rateLimiter: client.rateLimiter, circuit: client.circuit)
            // A twin (two versions of one id) can fill a page, and a server may serve fewer than
            // asked: read on until the API proves the end.
            pages += try asking.fetchAll(in: window, limit: batch, maxEntries: chunk.count * 4)
        }
        return pages
    }
}
