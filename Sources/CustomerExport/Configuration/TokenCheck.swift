import Foundation
import Logging
import CustomerExportCommon

/// The checks an API token passes before any request carries it.
package enum TokenCheck {
    /// The token without surrounding whitespace; refused when empty or when anything but visible
    /// ASCII is left inside it (a second line, a space, a control character). The sentence names
    /// `source` and says what to change; it never quotes the value.
    package static func validated(_ raw: String, source: String, fix: String) throws(ExportError) -> String {
        let token = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw .configuration("\(source) is empty; \(fix)") }
        if let bad = token.unicodeScalars.first(where: { $0.value < 0x21 || $0.value > 0x7E }) {
            let what = bad == "\n" || bad == "\r" ? "a line break" : bad.properties.isWhitespace ? "whitespace" : bad.value < 0x20 || bad.value == 0x7F ? "a control character" : "a character outside visible ASCII"
            throw .configuration("\(source) holds \(what) inside the token, so it is more than one token (or not one); \(fix)")
        }
        return token
    }

    /// Warns when the token file can be read by its group or by others: a secret should be
    /// readable by the account that runs the export alone.
    package static func warnIfShared(_ path: String, logger: Logger = Logger(label: "customer-export")) {
        guard let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber else { return }
        let permissions = mode.uint16Value & 0o777
        guard permissions & 0o077 != 0 else { return }
        logger.warning("the token file \(path) can be read by its group or by others (mode \(String(permissions, radix: 8))); run chmod 600 on it")
    }
}
