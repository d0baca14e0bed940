import Logging
import Synchronization
import CustomerExportExtract

extension ExportPipeline {
    /// What the run does when the reader reports: a refused request stops the run (`onFatal`
    /// keeps its error), a failed window, a re-read for drift, and a total the pages contradict
    /// (logged once per run) are logged.
    package func readEvents(onFatal: @escaping @Sendable (ExtractError) -> Void) -> WindowReadEvents {
        let logger = self.logger
        let cancellation = self.cancellation
        let totalWarned = Atomic(false)
        return WindowReadEvents(
            fatal: { error in
                onFatal(error)
                cancellation.cancel("the API rejected a request")
            },
            failed: { window, reason in
                logger.warning("window failed; the run reads it once more at its end, then reports it", metadata: [
                    "window": "\(window.from) – \(window.to)", "reason": "\(reason)",
                ])
            },
            reread: { window, totals, entries in
                logger.info("window changed while read; reading it again", metadata: [
                    "window": "\(window.from) – \(window.to)", "totals": "\(totals.map(String.init).joined(separator: ","))", "entries": "\(entries)",
                ])
            },
            totalDisagrees: { window, total, entries in
                guard totalWarned.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
                logger.warning("the API's total disagrees with the distinct records of a window; such windows are read to an empty page and checked by reading twice (logged once)", metadata: [
                    "window": "\(window.from) – \(window.to)", "total": "\(total)", "entries": "\(entries)",
                ])
            },
            cutting: { window, reason in
                logger.warning("window cut into parts read in one page each, since its reads never accounted for themselves", metadata: [
                    "window": "\(window.from) – \(window.to)", "reason": "\(reason)",
                ])
            })
    }
}
