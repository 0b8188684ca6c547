// report.html for analysts: one self-contained page that renders the protected tables
// (never recomputing a figure from them): run facts, attrition flow, outflow curves with
// bands and numbers at risk, horizon tables, rates, before/after, the questionnaire's
// Table 1 per wave, response, persistence and outflow by answer. Suppressed cells show as
// `<k`. The outflow figures lead with Aalen-Johansen (the share that received care before
// the age limit, docs/methods.md section 6b) and show Kaplan-Meier (section 6) beside it;
// tables without the Aalen-Johansen columns show Kaplan-Meier alone.

import OutflowCore
import OutflowCSV
import OutflowAnalysis

/// Renders the analyst report.
public enum ReportPage {
    public static func render(facts: RunFacts, tables: [String: PublishedTable], instrument: Instrument?) -> String {
        let k = facts.minCell
        var body = facts.isUnprotected ? unprotectedBanner : ""
        body += RefusalBanner.html(facts)
        body += HTML.element("h1", "Outflow report: \(facts.pipelineName)")
        body += "<p class=\"lead\">Cut-off date <b>\(facts.asOf.iso)</b> · run \(HTML.escape(facts.runId)) · generated \(HTML.escape(facts.generatedAt)) · outflow \(HTML.escape(facts.version))</p>"
        body += protectionNote(facts)
        body += "<p class=\"note\">The outflow figures give the share of entries with a first decision for individual youth care by day <i>t</i> after the index date. "
            + "The leading figure is the share that received that care before \(ageLimit(facts)) (Aalen-Johansen cumulative incidence, 95% log-log interval): reaching the age limit, or death, ends follow-up as a competing event, after which care under the Jeugdwet can no longer start. "
            + "Kaplan-Meier, shown beside it, treats those endings as censoring, so it estimates the share that would need care if nobody aged out; it is never lower. "
            + "Other endings of follow-up, such as the cut-off date, count as censoring in both. – means not estimable or not applicable.</p>"
        body += HTML.element("h2", "Definitions and deliveries")
        body += HTML.table(header: ["setting", "value"], rows: facts.definitions.map { [HTML.escape($0.0), HTML.escape($0.1)] }, class: "facts")
        // Row counts per file are a steward's figure (manifest.json and the audit), not shown here.
        body += HTML.table(header: ["source", "file", "status"], rows: facts.inputs.map {
            [HTML.escape($0.source.rawValue), HTML.escape($0.fileName), HTML.escape($0.status.rawValue)]
        }, class: "facts")
        if let t = tables["attrition"] { body += attrition(t, k) }
        if let t = tables["outflow_curve"] { body += curves(t) }
        if let t = tables["outflow"] { body += horizons(t, k, title: "Outflow at the horizons", key: "stratum_value", ageLimit: ageLimit(facts)) }
        if let t = tables["rates"] { body += simple(t, k, title: "Rate of outflow per 100 person-years", skip: ["stratum"]) }
        if let t = tables["before_after"] { body += simple(t, k, title: "Care in the year before and after (exact McNemar test)", skip: ["stratum"]) }
        if let t = tables["questionnaire"] { body += tableOne(t, k, instrument: instrument) }
        if let t = tables["response"] { body += simple(t, k, title: "Questionnaire response", skip: []) }
        if let t = tables["persistence"] { body += persistence(t, k) }
        if let t = tables["outflow_by_answer"] { body += horizons(t, k, title: "Outflow by wave-1 answer", key: "band", ageLimit: ageLimit(facts)) }
        return HTML.page(title: "Outflow report \(facts.pipelineName) \(facts.asOf.iso)", body: body)
    }

    /// "18" when the run's definitions give the age limit (the "age limit" line starts with
    /// it), else "the age limit".
    package static func ageLimit(_ facts: RunFacts) -> String {
        let years = facts.definitions.first { $0.0 == "age limit" }.map { String($0.1.prefix { $0.isNumber }) } ?? ""
        return years.isEmpty ? "the age limit" : years
    }

    // MARK: - Protection

    /// The banner every page of an unprotected report carries.
    package static let unprotectedBanner = "<p class=\"warn\"><b>UNPROTECTED</b>: disclosure control is off (minCell = 1, roundTo = 1). These are true counts for internal work on a closed machine; never publish this page.</p>"

    /// The opening note on how the numbers are protected, in plain words.
    package static func protectionNote(_ facts: RunFacts) -> String {
        let k = facts.minCell, b = facts.roundTo
        if facts.isUnprotected { return "<p class=\"note\">All counts on this page are true counts: nothing is protected.</p>" }
        return "<p class=\"note\"><b>How the numbers are protected.</b> No number on this page is a true count of people, and none can be found by subtracting one published number from another. "
            + "In the outflow figures (curves, horizons, rates, outflow by answer) the group size and the running totals of events and of ended follow-up are each replaced by the middle of their block of \(k): 1 to \(k) becomes \(k - k / 2), \(k + 1) to \(2 * k) becomes \(2 * k - k / 2), and so on; the curves and their intervals are then computed from those protected totals, so every step of a curve holds at least \(k) events. "
            + "In the other tables (cohort flow, before and after, questionnaire, response, persistence) counts under \(k) are not shown (<b>&lt;\(k)</b>) and the others are rounded to a multiple of \(b); percentages are computed from the rounded counts shown. "
            + "A cell marked <b>withheld</b> is hidden so that a small number elsewhere cannot be worked out. Figures may therefore differ slightly from the true ones; stewards hold the exact tables.</p>"
    }

    // MARK: - Cells

    /// The HTML of one cell: `<k` for suppressed, a dash for empty, proportions as percentages.
    package static func cell(_ c: Cell, _ k: Int) -> String {
        switch c {
        case .suppressed: return "<span class=\"sup\">&lt;\(k)</span>"
        case .withheld: return "<span class=\"sup\">withheld</span>"
        case .empty: return "<span class=\"na\">–</span>"
        case .proportion(let p): return Cell.fixed(100 * p, 1) + "%"
        case .key(let s): return HTML.escape(s)
        default: return c.csv
        }
    }

    /// A table of all non-key columns, rows grouped under one heading per stratum variable.
    package static func simple(_ t: PublishedTable, _ k: Int, title: String, skip: [String]) -> String {
        var names = t.columns.filter { $0 != "suppressed" }
        let groupColumn = names.contains("stratum") ? "stratum" : nil
        names.removeAll { skip.contains($0) }
        var out = HTML.element("h2", title)
        var groups: [(String, [[String]])] = []
        for row in t.rows {
            let cells = t.cells(row)
            let group = groupColumn.flatMap { cells[$0].map { $0.csv } } ?? ""
            if groups.last?.0 != group { groups.append((group, [])) }
            groups[groups.count - 1].1.append(names.map { cells[$0].map { cell($0, k) } ?? "" })
        }
        for (group, rows) in groups {
            if !group.isEmpty { out += HTML.element("h3", group == "all" ? "All entries" : "By \(group.replacingOccurrences(of: "_", with: " "))") }
            out += HTML.table(header: names.map { $0.replacingOccurrences(of: "_", with: " ") }, rows: rows)
        }
        return out
    }

    // MARK: - Sections

    package static func attrition(_ t: PublishedTable, _ k: Int) -> String {
        var out = HTML.element("h2", "Who is in the cohort") + "<div class=\"flow\">"
        for (i, row) in t.rows.enumerated() {
            let c = t.cells(row)
            if i > 0 { out += "<div class=\"arrow\">↓</div>" }
            out += "<div class=\"step\"><div class=\"box\">\(HTML.escape(c["step"]?.csv ?? "")). \(HTML.escape(c["reason"]?.csv ?? ""))<br>"
            out += "<b>\(cell(c["entries"] ?? .empty, k))</b> entries, \(cell(c["persons"] ?? .empty, k)) persons</div>"
            out += "<div class=\"out\">excluded: \(cell(c["excluded_entries"] ?? .empty, k)) entries, \(cell(c["excluded_persons"] ?? .empty, k)) persons</div></div>"
        }
        return out + "</div>"
    }

    /// The curves of Aalen-Johansen with their bands and Kaplan-Meier as a thin line beside
    /// them (Kaplan-Meier alone with its band for a table without the Aalen-Johansen columns).
    package static func curves(_ t: PublishedTable) -> String {
        var out = HTML.element("h2", "Outflow curves")
        let leading = t.columns.contains("cif_aj") ? ("cif_aj", "cif_aj_low", "cif_aj_high") : ("cum_incidence", "ci_low", "ci_high")
        var order: [String] = []
        var byVariable: [String: [String: CurveSeries]] = [:]
        var valueOrder: [String: [String]] = [:]
        for row in t.rows {
            let c = t.cells(row)
            guard let variable = c["stratum"]?.csv, let value = c["stratum_value"]?.csv, let day = Int(c["t_days"]?.csv ?? ""),
                  case .proportion(let f)? = c[leading.0], case .proportion(let lo)? = c[leading.1],
                  case .proportion(let hi)? = c[leading.2] else { continue }
            if byVariable[variable] == nil { order.append(variable); byVariable[variable] = [:] }
            if byVariable[variable]![value] == nil {
                valueOrder[variable, default: []].append(value)
                byVariable[variable]![value] = CurveSeries(label: value, points: [], atRisk: [:])
            }
            byVariable[variable]![value]!.points.append((day, f, lo, hi))
            if leading.0 == "cif_aj", case .proportion(let km)? = c["cum_incidence"] {
                byVariable[variable]![value]!.secondary.append((day, km))
            }
            byVariable[variable]![value]!.atRisk[day] = c["at_risk"]?.csv ?? ""
        }
        if order.isEmpty { return out + "<p>No curve can be published: fewer entries are at risk than the disclosure threshold.</p>" }
        if leading.0 == "cif_aj" {
            out += "<p class=\"lead\">Thick lines with bands: the share that received care (Aalen-Johansen, 95% interval). Thin lines: Kaplan-Meier, with the age limit and death as censoring.</p>"
        }
        for variable in order {
            let chart = StepChart(title: variable, series: valueOrder[variable]!.map { byVariable[variable]![$0]! })
            out += HTML.element("h3", variable == "all" ? "All entries" : "By \(variable.replacingOccurrences(of: "_", with: " "))")
            out += chart.svg() + chart.atRiskTable()
        }
        return out
    }

    /// A horizon table: the counts, then the share that received care before the age limit
    /// (Aalen-Johansen) and Kaplan-Meier after it; a table without the Aalen-Johansen columns
    /// shows Kaplan-Meier alone, as "cumulative incidence".
    package static func horizons(_ t: PublishedTable, _ k: Int, title: String, key: String, ageLimit: String = "the age limit") -> String {
        let withAJ = t.columns.contains("cif_aj")
        var out = HTML.element("h2", title)
        var group = ""
        var rows: [[String]] = []
        func flush() {
            guard !rows.isEmpty else { return }
            out += HTML.element("h3", group == "all" ? "All entries" : "By \(group.replacingOccurrences(of: "_", with: " "))")
            let counts = withAJ ? ["entries", "followed", "events", "competing", "censored"] : ["entries", "followed", "events", "censored"]
            let estimates = withAJ ? ["received care before \(ageLimit) (Aalen-Johansen, 95% CI)", "Kaplan-Meier (95% CI)"]
                                   : ["cumulative incidence (95% CI)"]
            out += HTML.table(header: [key == "band" ? "wave-1 band" : "value", "horizon (days)"] + counts + estimates, rows: rows)
            rows = []
        }
        func estimate(_ c: [String: Cell], _ value: String, _ low: String, _ high: String) -> String {
            var text = cell(c[value] ?? .empty, k)
            if case .proportion = c[value] { text += " (\(cell(c[low] ?? .empty, k)) – \(cell(c[high] ?? .empty, k)))" }
            return text
        }
        let groupColumn = t.columns[0]
        for row in t.rows {
            let c = t.cells(row)
            let g = c[groupColumn]?.csv ?? ""
            if g != group { flush(); group = g }
            let counts = (withAJ ? ["entries", "n_followed", "n_events", "n_competing", "n_censored"] : ["entries", "n_followed", "n_events", "n_censored"])
                .map { cell(c[$0] ?? .empty, k) }
            let estimates = (withAJ ? [estimate(c, "cif_aj", "cif_aj_low", "cif_aj_high")] : []) + [estimate(c, "cum_incidence", "ci_low", "ci_high")]
            rows.append([cell(c[key] ?? .empty, k), cell(c["horizon_days"] ?? .empty, k)] + counts + estimates)
        }
        flush()
        return out
    }

    /// The seed's Table 1 per wave: items down, youth and caregivers side by side.
    package static func tableOne(_ t: PublishedTable, _ k: Int, instrument: Instrument?) -> String {
        var out = HTML.element("h2", "Ervaringwijzer: answers per wave (percentages)")
        var cells: [String: [String: Cell]] = [:]
        var waves: [String] = []
        for row in t.rows {
            let c = t.cells(row)
            let wave = c["wave"]?.csv ?? ""
            if !waves.contains(wave) { waves.append(wave) }
            cells["\(wave)|\(c["role"]?.csv ?? "")|\(c["item"]?.csv ?? "")"] = c
        }
        let items = instrument?.items.map { ($0.code, $0.text) } ?? []
        for wave in waves {
            func n(_ role: String) -> String {
                let counts = items.compactMap { cells["\(wave)|\(role)|\($0.0)"]?["respondents"] }
                if let best = counts.compactMap({ if case .count(let v) = $0 { return v } else { return nil } }).max() { return String(best) }
                return counts.contains(.suppressed) ? "&lt;\(k)" : "0"
            }
            out += HTML.element("h3", "Wave \(wave)")
            out += "<table class=\"data wide\"><thead><tr><th rowspan=\"2\">statement</th><th colspan=\"3\">Jongeren (N=\(n("jongere")))</th><th colspan=\"3\">Opvoeders (N=\(n("opvoeder")))</th></tr>"
            out += "<tr>" + String(repeating: "<th>(helemaal) niet mee eens</th><th>neutraal</th><th>(helemaal) mee eens</th>", count: 2) + "</tr></thead><tbody>"
            for (code, text) in items {
                out += "<tr><td>\(HTML.escape(text))</td>"
                for role in ["jongere", "opvoeder"] {
                    if let c = cells["\(wave)|\(role)|\(code)"] {
                        out += ["pct_disagree", "pct_neutral", "pct_agree"].map { "<td>\(cell(c[$0] ?? .empty, k))</td>" }.joined()
                    } else {
                        out += String(repeating: "<td class=\"na\">–</td>", count: 3)
                    }
                }
                out += "</tr>"
            }
            out += "</tbody></table>"
        }
        return out + "<p class=\"lead\">– : statement not asked of this role. Percentages of those who answered the statement.</p>"
    }

    package static func persistence(_ t: PublishedTable, _ k: Int) -> String {
        var out = HTML.element("h2", "Does contact last? Answers in consecutive waves")
        let bands = ["disagree", "neutral", "agree"]
        var tables: [(String, [String: Cell])] = []
        for row in t.rows {
            let c = t.cells(row)
            let key = "\(c["item"]?.csv ?? ""): wave \(c["wave_from"]?.csv ?? "") → wave \(c["wave_to"]?.csv ?? "")"
            if tables.last?.0 != key { tables.append((key, [:])) }
            tables[tables.count - 1].1["\(c["band_from"]?.csv ?? "")>\(c["band_to"]?.csv ?? "")"] = c["persons"]
        }
        for (title, cells) in tables {
            out += HTML.element("h3", title)
            out += HTML.table(header: ["from \\ to"] + bands, rows: bands.map { from in [from] + bands.map { cell(cells["\(from)>\($0)"] ?? .empty, k) } })
        }
        return out
    }
}
