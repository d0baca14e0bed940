import CustomerExportCommon

/// One request for one page of one window.
package struct PageRequest: Sendable, Hashable {
    package var window: TimeWindow
    package var offset: Int
    package var limit: Int

    package init(window: TimeWindow, offset: Int, limit: Int) {
        self.window = window
        self.offset = offset
        self.limit = limit
    }
}
