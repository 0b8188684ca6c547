// report.html for analysts: one self-contained page that renders the protected tables
// (never recomputing a figure from them): a short "in short" box with the headline figures,
// run facts, attrition flow, outflow curves with bands and numbers at risk, horizon tables,
// rates, before/after (with what it cannot show), the questionnaire's Table 1 per wave,
// response, persistence and outflow by answer. Suppressed cells show as `<k`, and a legend
// line under each table says what its blank cells mean. The outflow figures lead with
// Aalen-Johansen (the share that received care before the age limit, docs/methods.md
// section 6b) and show Kaplan-Meier (section 6) beside it; tables without the
// Aalen-Johansen columns show Kaplan-Meier alone.
//
// The words come from ReportText in the pipeline's `report.language` (Dutch by default);
// headings, header cells and translated keys carry their codes in `data-` attributes.

import OutflowCore
import OutflowCSV
import OutflowAnalysis

/// Renders the analyst report.
public enum ReportPage {
    public static func render(facts: RunFacts, tables: [String: PublishedTable], instrument: Instrument?,
                              text: ReportText = ReportText()) -> String {
        let k = facts.minCell
        let age = ageLimit(facts, text)
        var body = facts.isUnprotected ? unprotectedBanner(facts, text) : ""
        body += RefusalBanner.html(facts)
        body += HTML.element("h1", text.h1(facts.pipelineName))
        body += "<p class=\"lead\">\(text.leadLine(facts))</p>"
        body += inShort(facts, tables, text)
        body += protectionNote(facts, text)
        body += "<p class=\"note\">\(text.outflowNote(ageLimit: age))</p>"
        body += section(text.definitionsTitle, "definitions")
        body += HTML.table(header: [text.settingHeader, text.valueHeader], rows: facts.definitions.map { [HTML.escape($0.0), HTML.escape($0.1)] }, class: "facts")
        // Row counts per file are a steward's figure (manifest.json and the audit), not shown here.
        body += HTML.table(header: [text.sourceHeader, text.fileHeader, text.statusHeader], rows: facts.inputs.map {
            [HTML.escape(text.label($0.source.rawValue)), HTML.escape($0.fileName), HTML.escape(text.label($0.status.rawValue))]
        }, class: "facts")
        if let t = tables["attrition"] { body += attrition(t, k, text: text) }
        if let t = tables["outflow_curve"] { body += curves(t, k, text: text) }
        if let t = tables["outflow"] { body += horizons(t, k, title: text.horizonsTitle, key: "stratum_value", ageLimit: age, text: text) }
        if let t = tables["rates"] { body += simple(t, k, title: text.ratesTitle, skip: ["stratum"], text: text) }
        if let t = tables["before_after"] {
            body += simple(t, k, title: text.beforeAfterTitle, skip: ["stratum"], text: text) + text.beforeAfterCaveat
        }
        if let t = tables["questionnaire"] { body += tableOne(t, k, instrument: instrument, text: text) }
        if let t = tables["response"] { body += simple(t, k, title: text.responseTitle, skip: [], text: text) }
        if let t = tables["persistence"] { body += persistence(t, k, instrument: instrument, text: text) }
        if let t = tables["outflow_by_answer"] {
            body += horizons(t, k, title: text.byAnswerTitle, key: "band", ageLimit: age, text: text, instrument: instrument)
        }
        body += comparison(tables, k, text: text)
        return HTML.page(title: text.pageTitle(facts.pipelineName, facts.asOf), body: body, lang: text.lang)
    }

    /// "18" when the run gives the age limit, else "the age limit" in words.
    package static func ageLimit(_ facts: RunFacts, _ text: ReportText = ReportText()) -> String {
        facts.ageLimit.map(String.init) ?? text.pick("de leeftijdsgrens", "the age limit")
    }

    /// A section heading with the code of what it shows (`data-table`).
    package static func section(_ title: String, _ code: String) -> String {
        HTML.element("h2", title, data: [("table", code)])
    }

    /// The heading of one stratum variable's block (`data-stratum`).
    package static func stratumHeading(_ variable: String, _ text: ReportText) -> String {
        HTML.element("h3", text.stratumHeading(variable), data: [("stratum", variable)])
    }

    // MARK: - Protection

    /// The banner every page of an unprotected report carries.
    package static func unprotectedBanner(_ facts: RunFacts, _ text: ReportText = ReportText()) -> String {
        "<p class=\"warn\">\(text.unprotectedBanner(k: facts.minCell, b: facts.roundTo))</p>"
    }

    /// The opening note on how the numbers are protected, in plain words.
    package static func protectionNote(_ facts: RunFacts, _ text: ReportText = ReportText()) -> String {
        if facts.isUnprotected { return "<p class=\"note\">\(text.unprotectedNote)</p>" }
        return "<p class=\"note\">\(text.protectionNote(k: facts.minCell, b: facts.roundTo))</p>"
    }

    // MARK: - In short

    /// The headline figures in plain sentences, from the published `all` rows: the cohort
    /// size, the share that received care by one year (Aalen-Johansen with its interval) and
    /// the response to the first wave. A figure that is not published is left out.
    package static func inShort(_ facts: RunFacts, _ tables: [String: PublishedTable], _ text: ReportText) -> String {
        var items: [String] = []
        if let t = tables["outflow"] {
            let rows = t.rows.map(t.cells).filter { $0["stratum"]?.csv == "all" }
            if case .count(let n)? = rows.first?["entries"] { items.append(text.inShortCohort(entries: String(n), asOf: facts.asOf)) }
            let aj = t.columns.contains("cif_aj")
            let (v, lo, hi) = aj ? ("cif_aj", "cif_aj_low", "cif_aj_high") : ("cum_incidence", "ci_low", "ci_high")
            func estimable(_ c: [String: Cell]) -> Bool {
                if case .proportion = c[v], case .proportion = c[lo], case .proportion = c[hi] { return true }
                return false
            }
            let horizon = { (c: [String: Cell]) in Int(c["horizon_days"]?.csv ?? "") ?? -1 }
            if let row = rows.first(where: { horizon($0) == 365 && estimable($0) })
                ?? rows.filter({ horizon($0) >= 0 && estimable($0) }).max(by: { horizon($0) < horizon($1) }),
               case .proportion(let f)? = row[v], case .proportion(let low)? = row[lo], case .proportion(let high)? = row[hi] {
                items.append(text.inShortCare(share: text.percent(f), low: text.percent(low), high: text.percent(high), days: horizon(row),
                                              ageLimit: ageLimit(facts, text), method: aj ? "Aalen-Johansen" : "Kaplan-Meier"))
            }
        }
        if let t = tables["response"] {
            let rows = t.rows.map(t.cells)
            if let wave = rows.compactMap({ $0["wave"]?.csv }).min(by: { (Int($0) ?? 0) < (Int($1) ?? 0) }) {
                let parts = rows.filter { $0["wave"]?.csv == wave }.compactMap { c -> String? in
                    guard case .proportion(let p)? = c["response_rate"] else { return nil }
                    return text.responsePart(rate: text.percent(p), role: c["role"]?.csv ?? "")
                }
                if !parts.isEmpty { items.append(text.inShortResponse(wave: wave, parts: parts)) }
            }
        }
        // The matched comparison's headline, with the reminder that it is no proof.
        if let t = tables["comparison"], let sentence = headline(t, text: text) {
            items.append(sentence + text.pick(" Dat verschil bewijst niet dat de groep het veroorzaakte (zie de vergelijking onderaan).",
                                              " That difference does not prove the group caused it (see the comparison below)."))
        }
        guard !items.isEmpty else { return "" }
        return "<div class=\"short\">" + HTML.element("h2", text.inShortTitle, data: [("table", "in_short")])
            + "<ul>" + items.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul></div>"
    }

    // MARK: - Cells

    /// The HTML of one cell: `<k` for suppressed, a dash for empty, proportions as
    /// percentages, decimals with the language's decimal mark.
    package static func cell(_ c: Cell, _ k: Int, _ text: ReportText = ReportText()) -> String {
        switch c {
        case .suppressed: return "<span class=\"sup\">&lt;\(k)</span>"
        case .withheld: return "<span class=\"sup\">\(text.withheld)</span>"
        case .empty: return "<span class=\"na\">–</span>"
        case .proportion(let p): return text.percent(p)
        case .key(let s): return HTML.escape(s)
        default: return text.decimal(c.csv)
        }
    }

    /// A key cell in words, carrying its code (`data-key`) when the words differ from it.
    package static func key(_ variable: String, _ value: String, _ text: ReportText) -> String {
        let words = text.value(variable, value)
        return words == value ? HTML.escape(value) : "<span data-key=\"\(HTML.escape(value))\">\(HTML.escape(words))</span>"
    }

    /// A table of all non-key columns, rows grouped under one heading per stratum variable.
    package static func simple(_ t: PublishedTable, _ k: Int, title: String, skip: [String], text: ReportText = ReportText()) -> String {
        var names = t.columns.filter { $0 != "suppressed" }
        let groupColumn = names.contains("stratum") ? "stratum" : nil
        names.removeAll { skip.contains($0) }
        var out = section(title, t.name)
        var groups: [(String, [[String]])] = []
        for row in t.rows {
            let cells = t.cells(row)
            let group = groupColumn.flatMap { cells[$0].map { $0.csv } } ?? ""
            if groups.last?.0 != group { groups.append((group, [])) }
            groups[groups.count - 1].1.append(names.map { name in
                switch (name, cells[name]) {
                case ("stratum_value", .key(let v)?): return key(group, v, text)
                case ("role", .key(let v)?): return key("role", v, text)
                default: return cells[name].map { cell($0, k, text) } ?? ""
                }
            })
        }
        for (group, rows) in groups {
            if !group.isEmpty { out += stratumHeading(group, text) }
            let header = names.map { $0 == "stratum_value" ? (group == "all" ? "" : text.label(group)) : text.label($0) }
            out += HTML.table(header: header, rows: rows, columns: names) + text.legend(k: k)
        }
        return out
    }

    // MARK: - Sections

    package static func attrition(_ t: PublishedTable, _ k: Int, text: ReportText = ReportText()) -> String {
        var out = section(text.attritionTitle, t.name) + "<div class=\"flow\">"
        for (i, row) in t.rows.enumerated() {
            let c = t.cells(row)
            let step = c["step"]?.csv ?? ""
            if i > 0 { out += "<div class=\"arrow\">↓</div>" }
            out += "<div class=\"step\"\(HTML.attributes([("step", step)]))><div class=\"box\">\(HTML.escape(step)). \(HTML.escape(text.attritionReason(c["reason"]?.csv ?? "")))<br>"
            out += text.attritionCounts(entries: cell(c["entries"] ?? .empty, k, text), persons: cell(c["persons"] ?? .empty, k, text)) + "</div>"
            out += "<div class=\"out\">\(text.attritionExcluded(entries: cell(c["excluded_entries"] ?? .empty, k, text), persons: cell(c["excluded_persons"] ?? .empty, k, text)))</div></div>"
        }
        return out + "</div>" + text.legend(k: k, withheld: false)
    }

    /// The curves of Aalen-Johansen with their bands and Kaplan-Meier as a thin line beside
    /// them (Kaplan-Meier alone with its band for a table without the Aalen-Johansen columns).
    /// A variable with more than `StepChart.maxSeries` values becomes small multiples: one
    /// small chart per value on shared axes, with all entries as a grey line.
    package static func curves(_ t: PublishedTable, _ k: Int = 10, text: ReportText = ReportText()) -> String {
        var out = section(text.curvesTitle, t.name)
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
                byVariable[variable]![value] = CurveSeries(label: text.value(variable, value), key: value, points: [], atRisk: [:])
            }
            byVariable[variable]![value]!.points.append((day, f, lo, hi))
            if leading.0 == "cif_aj", case .proportion(let km)? = c["cum_incidence"] {
                byVariable[variable]![value]!.secondary.append((day, km))
            }
            byVariable[variable]![value]!.atRisk[day] = c["at_risk"]?.csv ?? ""
        }
        if order.isEmpty { return out + "<p>\(HTML.escape(text.curvesNone))</p>" }
        if leading.0 == "cif_aj" { out += "<p class=\"lead\">\(HTML.escape(text.curvesLead))</p>" }
        let reference = byVariable["all"]?["all"]
        for variable in order {
            let series = valueOrder[variable]!.map { byVariable[variable]![$0]! }
            var chart = StepChart(title: text.stratumHeading(variable), series: series, text: text)
            out += stratumHeading(variable, text)
            if series.count > StepChart.maxSeries {
                let maxDay = StepChart.lastDay(series)
                let shown = reference.map { r in
                    CurveSeries(label: r.label, key: r.key, points: r.points.filter { $0.t <= maxDay }, atRisk: [:])
                }
                let maxShare = StepChart.highest(series + (shown.map { [$0] } ?? []))
                chart.maxDay = maxDay
                out += "<p class=\"lead\">\(HTML.escape(text.multiplesLead(series.count)))</p><div class=\"multiples\">"
                for s in series {
                    var panel = StepChart(title: s.label, series: [s], text: text)
                    panel.small = true
                    panel.maxDay = maxDay
                    panel.maxShare = maxShare
                    panel.reference = variable == "all" ? nil : shown
                    out += "<figure><figcaption>\(HTML.escape(s.label))</figcaption>\(panel.svg())</figure>"
                }
                out += "</div>"
            } else {
                out += chart.svg()
            }
            out += "<p class=\"lead\">\(HTML.escape(text.atRiskTitle))</p>" + chart.atRiskTable(dayHeader: text.dayHeader) + text.atRiskLegend(k: k)
        }
        return out
    }

    /// A horizon table: the counts, then the share that received care before the age limit
    /// (Aalen-Johansen) and Kaplan-Meier after it; a table without the Aalen-Johansen columns
    /// shows Kaplan-Meier alone, as "cumulative incidence".
    package static func horizons(_ t: PublishedTable, _ k: Int, title: String, key: String, ageLimit: String = "18",
                                 text: ReportText = ReportText(), instrument: Instrument? = nil) -> String {
        let withAJ = t.columns.contains("cif_aj")
        var out = section(title, t.name)
        var group = ""
        var rows: [[String]] = []
        let counts = withAJ ? ["entries", "n_followed", "n_events", "n_competing", "n_censored"] : ["entries", "n_followed", "n_events", "n_censored"]
        let estimates = withAJ ? ["cif_aj", "cum_incidence"] : ["cum_incidence"]
        func flush() {
            guard !rows.isEmpty else { return }
            if key == "band" {
                let statement = instrument?.items.first { $0.code == group }?.text ?? group.replacingOccurrences(of: "_", with: " ")
                out += HTML.element("h3", text.byAnswerHeading(statement), data: [("stratum", group)])
            } else {
                out += stratumHeading(group, text)
            }
            let first = key == "band" ? text.label("band") : (group == "all" ? "" : text.label(group))
            let estimateHeaders = withAJ ? [text.ajHeader(ageLimit: ageLimit), text.kmHeader] : [text.cumulativeHeader]
            out += HTML.table(header: [first, text.label("horizon_days")] + counts.map(text.label) + estimateHeaders, rows: rows,
                              columns: [key, "horizon_days"] + counts + estimates)
            out += text.legend(k: k, extra: text.ciNote)
            rows = []
        }
        func estimate(_ c: [String: Cell], _ value: String, _ low: String, _ high: String) -> String {
            var html = cell(c[value] ?? .empty, k, text)
            if case .proportion = c[value] {
                html = "<span class=\"ci\">\(html) (\(cell(c[low] ?? .empty, k, text)) – \(cell(c[high] ?? .empty, k, text)))</span>"
            }
            return html
        }
        let groupColumn = t.columns[0]
        for row in t.rows {
            let c = t.cells(row)
            let g = c[groupColumn]?.csv ?? ""
            if g != group { flush(); group = g }
            let keyCell = c[key].map { v -> String in
                if case .key(let s) = v { return ReportPage.key(key == "band" ? "band" : g, s, text) }
                return cell(v, k, text)
            } ?? cell(.empty, k, text)
            let ests = (withAJ ? [estimate(c, "cif_aj", "cif_aj_low", "cif_aj_high")] : []) + [estimate(c, "cum_incidence", "ci_low", "ci_high")]
            rows.append([keyCell, cell(c["horizon_days"] ?? .empty, k, text)] + counts.map { cell(c[$0] ?? .empty, k, text) } + ests)
        }
        flush()
        return out
    }

    /// The seed's Table 1 per wave: items down, youth and caregivers side by side.
    package static func tableOne(_ t: PublishedTable, _ k: Int, instrument: Instrument?, text: ReportText = ReportText()) -> String {
        var out = section(text.questionnaireTitle, t.name)
        var cells: [String: [String: Cell]] = [:]
        var waves: [String] = []
        for row in t.rows {
            let c = t.cells(row)
            let wave = c["wave"]?.csv ?? ""
            if !waves.contains(wave) { waves.append(wave) }
            cells["\(wave)|\(c["role"]?.csv ?? "")|\(c["item"]?.csv ?? "")"] = c
        }
        let items = instrument?.items.map { ($0.code, $0.text) } ?? []
        let bands = ["disagree", "neutral", "agree"].map { "<th>\(HTML.escape(text.label($0)))</th>" }.joined()
        for wave in waves {
            func n(_ role: String) -> String {
                let counts = items.compactMap { cells["\(wave)|\(role)|\($0.0)"]?["respondents"] }
                if let best = counts.compactMap({ if case .count(let v) = $0 { return v } else { return nil } }).max() { return String(best) }
                return counts.contains(.suppressed) ? "&lt;\(k)" : "0"
            }
            out += HTML.element("h3", text.waveHeading(wave), data: [("wave", wave)])
            out += "<table class=\"data wide\"><thead><tr><th rowspan=\"2\">\(HTML.escape(text.statementHeader))</th>"
                + ["jongere", "opvoeder"].map { "<th colspan=\"3\">\(HTML.escape(text.rolePlural($0))) (N=\(n($0)))</th>" }.joined() + "</tr>"
            out += "<tr>" + bands + bands + "</tr></thead><tbody>"
            for (code, statement) in items {
                out += "<tr><td>\(HTML.escape(statement))</td>"
                for role in ["jongere", "opvoeder"] {
                    if let c = cells["\(wave)|\(role)|\(code)"] {
                        out += ["pct_disagree", "pct_neutral", "pct_agree"].map { "<td>\(cell(c[$0] ?? .empty, k, text))</td>" }.joined()
                    } else {
                        out += String(repeating: "<td class=\"na\">–</td>", count: 3)
                    }
                }
                out += "</tr>"
            }
            out += "</tbody></table>" + text.legend(k: k, dash: text.notAskedLegend)
        }
        return out
    }

    package static func persistence(_ t: PublishedTable, _ k: Int, instrument: Instrument? = nil, text: ReportText = ReportText()) -> String {
        var out = section(text.persistenceTitle, t.name)
        let bands = ["disagree", "neutral", "agree"]
        var tables: [(item: String, from: String, to: String, cells: [String: Cell])] = []
        for row in t.rows {
            let c = t.cells(row)
            let (item, from, to) = (c["item"]?.csv ?? "", c["wave_from"]?.csv ?? "", c["wave_to"]?.csv ?? "")
            if tables.last.map({ ($0.item, $0.from, $0.to) != (item, from, to) }) ?? true { tables.append((item, from, to, [:])) }
            tables[tables.count - 1].cells["\(c["band_from"]?.csv ?? "")>\(c["band_to"]?.csv ?? "")"] = c["persons"]
        }
        for table in tables {
            let statement = instrument?.items.first { $0.code == table.item }?.text ?? table.item.replacingOccurrences(of: "_", with: " ")
            out += HTML.element("h3", text.persistenceHeading(statement, from: table.from, to: table.to),
                                data: [("item", table.item), ("from", table.from), ("to", table.to)])
            out += HTML.table(header: [text.fromToHeader] + bands.map(text.label),
                              rows: bands.map { from in [key("band", from, text)] + bands.map { cell(table.cells["\(from)>\($0)"] ?? .empty, k, text) } },
                              columns: [""] + bands)
            out += text.legend(k: k)
        }
        return out
    }
}
