import Dispatch
import Synchronization
import CustomerExportCommon
import CustomerExportExtract

/// Small requests (a `limit=1` count, the record at a rank) sent in parallel under a limiter,
/// shared by window sizing and `plan`'s preview. The answers come back in the order asked, each
/// with how long it took; the first failure stops the requests not yet sent and is thrown.
package enum ParallelProbe {
    package static func fetch(
        _ requests: [PageRequest], client: CustomersAPIClient, limiter: RequestLimiter
    ) throws(ExtractError) -> [(body: PageBody, seconds: Double)] {
        let answers = Mutex([(body: PageBody, seconds: Double)?](repeating: nil, count: requests.count))
        let failure = Mutex<ExtractError?>(nil)
        let group = DispatchGroup()
        for (index, request) in requests.enumerated() {
            limiter.submit(group: group) {
                guard failure.withLock({ $0 == nil }) else { return }
                let started = Timestamp.now()
                do throws(ExtractError) {
                    let page = try client.fetchProbe(request)
                    let seconds = Timestamp.now().secondsSinceEpoch - started.secondsSinceEpoch
                    answers.withLock { $0[index] = (page.body, seconds) }
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                }
            }
        }
        group.wait()
        if let error = failure.withLock({ $0 }) { throw error }
        // Without a failure every request was answered, so no slot is empty.
        return answers.withLock { $0.map { $0! } }
    }
}
