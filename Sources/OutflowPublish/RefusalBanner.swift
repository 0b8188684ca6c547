// The box at the top of report.html and audit.html while a refused delivery is unresolved:
// readers of a report must know it was built without a delivery that was refused.

import OutflowCore

/// The unresolved-refusals box of both pages.
package enum RefusalBanner {
    /// The box, or nothing when every refusal is resolved.
    package static func html(_ facts: RunFacts) -> String {
        guard !facts.refusals.isEmpty else { return "" }
        let count = facts.refusals.count
        let items = facts.refusals.map { refusal in
            "<li><b>\(HTML.escape(refusal.fileName))</b> (\(HTML.escape(refusal.source.rawValue)), \(HTML.escape(refusal.reason)), refused \(HTML.escape(refusal.refusedAt))): \(HTML.escape(refusal.message))</li>"
        }.joined()
        return "<div class=\"warn\"><b>\(count == 1 ? "A refused delivery is" : "\(count) refused deliveries are") unresolved.</b> "
            + "The figures below are built without \(count == 1 ? "it" : "them") until a corrected file arrives (or the refusal is retried)."
            + "<ul>\(items)</ul></div>"
    }
}
