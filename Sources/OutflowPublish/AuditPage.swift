// audit.html for data stewards: the audit document rendered generically, warnings first.
// Objects become sections, lists of objects become tables, scalars become rows of a small
// table, so a figure added to the audit appears on the page without code here.

import OutflowCore
import OutflowCSV
import OutflowAnalysis

/// Renders the linkage audit.
public enum AuditPage {
    public static func render(facts: RunFacts, audit: JSONValue) -> String {
        var body = RefusalBanner.html(facts)
        body += HTML.element("h1", "Linkage audit: \(facts.pipelineName)")
        body += "<p class=\"lead\">Cut-off date <b>\(facts.asOf.iso)</b> · run \(HTML.escape(facts.runId)) · generated \(HTML.escape(facts.generatedAt)) · outflow \(HTML.escape(facts.version))</p>"
        body += "<p class=\"note\">For data stewards. Counts are not suppressed; the page holds no pseudonyms. Row-level lists are in <code>restricted/</code>.</p>"
        guard case .object(let pairs) = audit else { return HTML.page(title: "Linkage audit", body: body) }
        if let warnings = pairs.first(where: { $0.0 == "warnings" })?.1, case .array(let list) = warnings {
            body += list.isEmpty ? "<p class=\"note\">No warnings.</p>"
                : "<div class=\"warn\"><b>Warnings</b><ul>" + list.map { "<li>\(HTML.escape(scalar($0)))</li>" }.joined() + "</ul></div>"
        }
        body += section(pairs.filter { $0.0 != "warnings" }, level: 2)
        return HTML.page(title: "Linkage audit \(facts.pipelineName) \(facts.asOf.iso)", body: body)
    }

    /// "matchRates" -> "Match rates".
    package static func title(_ key: String) -> String {
        var words: [String] = []
        var current = ""
        for ch in key {
            if ch.isUppercase, !current.isEmpty { words.append(current); current = "" }
            current.append(ch)
        }
        words.append(current)
        let text = words.joined(separator: " ").lowercased()
        return text.prefix(1).uppercased() + text.dropFirst()
    }

    package static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: return "–"
        case .bool(let b): return b ? "yes" : "no"
        case .int(let n): return String(n)
        case .double(let d, let decimals): return Cell.fixed(d, decimals)
        case .string(let s): return s
        case .array(let items): return items.map(scalar).joined(separator: ", ")
        case .object(let pairs): return pairs.map { "\(title($0.0)): \(scalar($0.1))" }.joined(separator: "; ")
        }
    }

    package static func section(_ pairs: [(String, JSONValue)], level: Int) -> String {
        var out = ""
        var scalars: [[String]] = []
        func flushScalars() {
            if !scalars.isEmpty { out += HTML.table(header: ["figure", "value"], rows: scalars, class: "facts"); scalars = [] }
        }
        for (key, value) in pairs {
            switch value {
            case .object(let inner):
                flushScalars()
                out += HTML.element("h\(min(level, 4))", title(key)) + section(inner, level: level + 1)
            case .array(let items) where items.contains(where: { if case .object = $0 { return true } else { return false } }):
                flushScalars()
                out += HTML.element("h\(min(level, 4))", title(key)) + list(items, level: level + 1)
            default:
                scalars.append([HTML.escape(title(key)), HTML.escape(scalar(value))])
            }
        }
        flushScalars()
        return out
    }

    /// A list of objects as a table of their scalar fields; nested lists become sub-tables.
    package static func list(_ items: [JSONValue], level: Int) -> String {
        var columns: [String] = []
        for item in items { if case .object(let pairs) = item { for (k, v) in pairs where !isNested(v) && !columns.contains(k) { columns.append(k) } } }
        var out = HTML.table(header: columns.map(title), rows: items.map { item in
            guard case .object(let pairs) = item else { return [HTML.escape(scalar(item))] }
            return columns.map { c in HTML.escape(pairs.first { $0.0 == c }.map { scalar($0.1) } ?? "") }
        })
        for item in items {
            guard case .object(let pairs) = item else { continue }
            let name = pairs.first.map { scalar($0.1) } ?? ""
            for (k, v) in pairs where isNested(v) {
                if case .array(let inner) = v, !inner.isEmpty {
                    out += HTML.element("h\(min(level, 4))", "\(name): \(title(k))") + list(inner, level: level + 1)
                } else if case .object(let inner) = v, !inner.isEmpty {
                    out += HTML.element("h\(min(level, 4))", "\(name): \(title(k))") + section(inner, level: level + 1)
                }
            }
        }
        return out
    }

    package static func isNested(_ value: JSONValue) -> Bool {
        switch value {
        case .array(let items): return items.contains { if case .object = $0 { return true } else { return false } }
        case .object(let pairs): return pairs.count > 3
        default: return false
        }
    }
}
