// audit.html for data stewards: the audit document rendered generically, warnings first.
// Objects become sections, lists of objects become tables, scalars become rows of a small
// table, so a figure added to the audit appears on the page without code here.
// Layout: every table sits in a box that scrolls sideways inside the page, so no table is
// wider than the page; long values wrap at spaces and after `_` or `/`, never inside a date
// (`2025-03-31` is shown as 31-03-2025, on one line); numbers are right-aligned; a list's
// `error` field (a refused delivery's reason) goes on a line of its own under its row,
// across the whole table, so a refused row stays as compact as the others, and columns
// empty in every row are left out.

import Foundation
import OutflowCore
import OutflowCSV
import OutflowAnalysis

/// Renders the linkage audit.
public enum AuditPage {
    /// The page's language while it is rendered (headings and labels; codes, file names and
    /// the audit's own descriptions stay as they are).
    @TaskLocal static var language = ReportLanguage.en

    /// The page in `language` (the pipeline's `report.language`; English when not given).
    public static func render(facts: RunFacts, audit: JSONValue, language: ReportLanguage = .en) -> String {
        $language.withValue(language) { render(facts: facts, audit: audit, words: ReportText(language)) }
    }

    private static func render(facts: RunFacts, audit: JSONValue, words: ReportText) -> String {
        var body = RefusalBanner.html(facts)
        body += HTML.element("h1", words.pick("Koppelingsaudit: ", "Linkage audit: ") + facts.pipelineName)
        body += "<p class=\"lead\">" + words.pick("Peildatum", "Cut-off date") + " <b class=\"date\">\(date(facts.asOf))</b> · run \(HTML.escape(facts.runId)) · "
            + words.pick("gemaakt op", "generated")
            + " <span class=\"date\">\(HTML.escape(timestamp(facts.generatedAt) ?? facts.generatedAt))</span> · outflow \(HTML.escape(facts.version))</p>"
        body += "<p class=\"note\">" + words.pick(
            "Voor databeheerders. De aantallen zijn niet beschermd; de pagina bevat geen pseudoniemen. Lijsten per rij staan in <code>restricted/</code>. Tijden in UTC.",
            "For data stewards. Counts are not suppressed; the page holds no pseudonyms. Row-level lists are in <code>restricted/</code>. Times are UTC.") + "</p>"
        let title = words.pick("Koppelingsaudit", "Linkage audit")
        guard case .object(let pairs) = audit else { return page(title: title, body: body) }
        if let warnings = pairs.first(where: { $0.0 == "warnings" })?.1, case .array(let list) = warnings {
            body += list.isEmpty ? "<p class=\"note\">" + words.pick("Geen waarschuwingen.", "No warnings.") + "</p>"
                : "<div class=\"warn\"><b>" + words.pick("Waarschuwingen", "Warnings") + "</b><ul>" + list.map { "<li>\(text(scalar($0)))</li>" }.joined() + "</ul></div>"
        }
        body += section(pairs.filter { $0.0 != "warnings" }, level: 2)
        return page(title: "\(title) \(facts.pipelineName) \(facts.asOf.iso)", body: body)
    }

    /// Dutch headings for the audit's keys; a key not listed keeps its English title.
    static let dutch: [String: String] = [
        "deliveries": "Leveringen", "sources": "Bronnen", "matchRates": "Koppelpercentages", "breakdown": "Uitsplitsing",
        "source": "Bron", "file": "Bestand", "status": "Status", "extractionDate": "Extractiedatum", "loadedAt": "Ingelezen op",
        "rowsRead": "Rijen gelezen", "accepted": "Geaccepteerd", "quarantined": "In quarantaine",
        "quarantinedByReason": "Quarantaine per reden", "encoding": "Codering", "delimiter": "Scheidingsteken", "keyId": "Sleutel-id",
        "keyIds": "Sleutel-ids", "unknownColumns": "Onbekende kolommen", "rowsInForce": "Geldige rijen", "persons": "Personen",
        "name": "Naam", "description": "Omschrijving", "linked": "Gekoppeld", "unlinked": "Niet gekoppeld",
        "percentLinked": "Percentage gekoppeld", "dimension": "Dimensie", "value": "Waarde", "asOf": "Peildatum",
        "unresolvedRefusals": "Openstaande weigeringen", "retries": "Herbeoordelingen", "figure": "Gegeven", "error": "Fout",
        "duplicateOf": "Kopie van", "refusals": "Weigeringen", "reason": "Reden", "since": "Sinds", "erasures": "Verwijderingen",
    ]

    /// The shared page with the audit's own rules added to its stylesheet.
    static func page(title: String, body: String) -> String {
        let page = HTML.page(title: title, body: body)
        guard let end = page.range(of: "</style>") else { return page }
        return page.replacingCharacters(in: end, with: stylesheet + "</style>")
    }

    /// The audit's layout rules, after the shared ones.
    package static let stylesheet = """
        body{max-width:1280px}
        .scroll{max-width:100%;overflow-x:auto;margin:.6rem 0 1rem}.scroll table{margin:0;font-size:.82rem}
        .scroll td,.scroll th{overflow-wrap:break-word;padding:.25rem .4rem}
        th.text,td.text{text-align:left}.nw,.date{white-space:nowrap}
        tr.refused td{border-bottom:none}tr.refused td.status{color:#a33;font-weight:600}
        tr.detail td{text-align:left;font-size:.8rem;color:#6b3a00;padding-top:0;white-space:normal}
        """

    /// "matchRates" -> "Match rates" (in Dutch "Koppelpercentages" when the page is Dutch).
    package static func title(_ key: String) -> String {
        if language == .nl, let words = dutch[key] { return words }
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

    /// A key as a label: reason codes (`bad_date`) as they are, other keys as titles.
    package static func label(_ key: String) -> String {
        key.contains("_") && key == key.lowercased() ? key : title(key)
    }

    package static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: return "–"
        case .bool(let b): return language == .nl ? (b ? "ja" : "nee") : (b ? "yes" : "no")
        case .int(let n): return String(n)
        case .double(let d, let decimals): return Cell.fixed(d, decimals)
        case .string(let s): return isoDay(s).map(date) ?? timestamp(s) ?? s
        case .array(let items): return items.map(scalar).joined(separator: ", ")
        case .object(let pairs): return pairs.map { "\(label($0.0)): \(scalar($0.1))" }.joined(separator: "; ")
        }
    }

    /// A day as 31-03-2025.
    package static func date(_ day: Day) -> String {
        let c = day.components
        return String(format: "%02d-%02d-%04d", c.day, c.month, c.year)
    }

    /// The day of a value that is exactly an ISO date.
    static func isoDay(_ s: String) -> Day? {
        s.utf8.count == 10 && s.utf8.allSatisfy({ $0 == 0x2D || ($0 >= 0x30 && $0 <= 0x39) }) ? Day(parsing: s) : nil
    }

    /// A UTC timestamp `2025-04-01T02:00:00Z` as `01-04-2025 02:00:00`; nil for anything else.
    static func timestamp(_ s: String) -> String? {
        let parts = s.split(separator: "T")
        guard s.utf8.count == 20, s.hasSuffix("Z"), parts.count == 2, let day = isoDay(String(parts[0])) else { return nil }
        return date(day) + " " + parts[1].dropLast()
    }

    /// Escaped free text in which a long word breaks only after `_` or `/` (so a file name
    /// never breaks inside its date), and standalone ISO dates read 31-03-2025.
    static func text(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
            let core = word.trimmingCharacters(in: CharacterSet(charactersIn: "(),;:."))
            if let day = isoDay(core), let range = word.range(of: core) {
                return HTML.escape(String(word[..<range.lowerBound])) + "<span class=\"nw\">\(date(day))</span>" + HTML.escape(String(word[range.upperBound...]))
            }
            guard word.contains("-") else { return HTML.escape(String(word)) }
            var pieces: [String] = [], piece = ""
            for ch in word {
                piece.append(ch)
                if ch == "_" || ch == "/" { pieces.append(piece); piece = "" }
            }
            if !piece.isEmpty { pieces.append(piece) }
            return pieces.map { "<span class=\"nw\">\(HTML.escape($0))</span>" }.joined(separator: "<wbr>")
        }.joined(separator: " ")
    }

    /// One table cell: its HTML and whether it is a number.
    static func cell(_ value: JSONValue) -> (html: String, numeric: Bool) {
        switch value {
        case .array(let items) where items.isEmpty: return (language == .nl ? "geen" : "none", false)
        case .int, .double: return (HTML.escape(scalar(value)), true)
        case .string(let s):
            if let day = isoDay(s) { return ("<span class=\"date\">\(date(day))</span>", false) }
            if let time = timestamp(s) {
                // The date and the time each on one line; the time goes under the date when narrow.
                return (time.split(separator: " ").map { "<span class=\"date\">\($0)</span>" }.joined(separator: " "), false)
            }
            return (text(s), false)
        case .object(let pairs):
            // One `key: value` per line, each on one line (counts by reason).
            return (pairs.map { "<span class=\"nw\">\(HTML.escape(label($0.0))): \(HTML.escape(scalar($0.1)))</span>" }.joined(separator: "<br>"), false)
        default: return (text(scalar(value)), false)
        }
    }

    /// A table in a box that scrolls sideways. Cells are already HTML; columns after the first
    /// that are not numbers are left-aligned. `details` are full-width lines under a row.
    static func table(header: [String], rows: [[(html: String, numeric: Bool)]], details: [String?] = [], class className: String = "data") -> String {
        let text = header.indices.map { c in c > 0 && !rows.allSatisfy { c >= $0.count || $0[c].numeric || $0[c].html.isEmpty } }
        func attributes(_ c: Int, _ extra: String? = nil) -> String {
            let classes = [text[c] ? "text" : nil, extra].compactMap { $0 }
            return classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\""
        }
        var out = "<div class=\"scroll\"><table class=\"\(className)\"><thead><tr>"
        out += header.indices.map { "<th\(attributes($0))>\(HTML.escape(header[$0]))</th>" }.joined()
        out += "</tr></thead><tbody>"
        for (r, row) in rows.enumerated() {
            let detail = r < details.count ? details[r] : nil
            out += detail == nil ? "<tr>" : "<tr class=\"refused\">"
            out += row.indices.map { c in
                "<td\(attributes(c, c < header.count && header[c] == "Status" ? "status" : nil))>\(row[c].html)</td>"
            }.joined()
            out += "</tr>"
            if let detail { out += "<tr class=\"detail\"><td colspan=\"\(header.count)\">\(detail)</td></tr>" }
        }
        return out + "</tbody></table></div>"
    }

    package static func section(_ pairs: [(String, JSONValue)], level: Int) -> String {
        var out = ""
        var scalars: [[(html: String, numeric: Bool)]] = []
        func flushScalars() {
            if !scalars.isEmpty { out += table(header: [title("figure"), title("value")].map { $0.lowercased() }, rows: scalars, class: "facts"); scalars = [] }
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
                scalars.append([(HTML.escape(label(key)), false), cell(value)])
            }
        }
        flushScalars()
        return out
    }

    /// The field of a list item shown on a line of its own under the item's row.
    static let detailField = "error"

    /// A list of objects as a table of their scalar fields; nested lists become sub-tables.
    package static func list(_ items: [JSONValue], level: Int) -> String {
        func field(_ item: JSONValue, _ key: String) -> JSONValue? {
            guard case .object(let pairs) = item else { return nil }
            return pairs.first { $0.0 == key }?.1
        }
        func isBlank(_ value: JSONValue?) -> Bool {
            switch value {
            case nil, .null?: return true
            case .string(let s)?: return s.isEmpty
            case .object(let pairs)?: return pairs.isEmpty
            case .array(let list)?: return list.isEmpty
            default: return false
            }
        }
        // A field that holds a list or group in any item is a sub-table for every item (an
        // empty list in one item must not turn it into a column of text for the others).
        var nested: Set<String> = []
        for item in items { if case .object(let pairs) = item { for (k, v) in pairs where isNested(v) { nested.insert(k) } } }
        var columns: [String] = []
        for item in items {
            if case .object(let pairs) = item { for (k, _) in pairs where !nested.contains(k) && !columns.contains(k) { columns.append(k) } }
        }
        // Columns empty in every row say nothing; the detail field gets a line of its own.
        columns = columns.filter { c in c != detailField && items.contains { !isBlank(field($0, c)) } }
        let rows = items.map { item -> [(html: String, numeric: Bool)] in
            guard case .object = item else { return [cell(item)] }
            return columns.map { c in field(item, c).map(cell) ?? ("", false) }
        }
        let details = items.map { item -> String? in
            guard let detail = field(item, detailField), !isBlank(detail) else { return nil }
            return text(scalar(detail))
        }
        var out = table(header: columns.map(title), rows: rows, details: details)
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
