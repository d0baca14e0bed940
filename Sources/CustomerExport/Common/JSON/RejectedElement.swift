/// An element of a page's record array that strict scanning refused (bytes that are not UTF-8,
/// a lone surrogate escape, nesting deeper than 512 levels, a number `numeric` cannot hold), found
/// by resynchronising on the array's element boundaries. It is one record to quarantine, not a
/// reason to refuse the page: the API answered, and every other record of the page is good.
package struct RejectedElement: Sendable, Equatable {
    /// Where the element sits in the page body.
    package var range: Range<Int>
    /// Why it is quarantined: what strict scanning found, with the offset inside the element.
    package var reason: String
}
