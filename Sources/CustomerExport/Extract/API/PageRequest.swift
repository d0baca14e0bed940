import CustomerExportCommon

/// One request for one page of one window.
public struct PageRequest: Sendable, Hashable {
    public var window: TimeWindow
    public var offset: Int
    public var limit: Int

    public init(window: TimeWindow, offset: Int, limit: Int) {
        self.window = window
        self.offset = offset
        self.limit = limit
    }
}
