// The report's comparison section (docs/methods.md section 11), for a municipal policy
// adviser: what a matched comparison on registered data can and cannot show, the two arms'
// curves for all entries, the difference at one year in one sentence, and the comparison and
// balance tables. Rendered from the published (protected) tables only.

import OutflowCore
import OutflowAnalysis

extension ReportPage {
    /// The comparison section; empty when the run has no comparison.
    package static func comparison(_ tables: [String: PublishedTable], _ k: Int, text: ReportText) -> String {
        guard let table = tables["comparison"] else { return "" }
        var out = section(text.pick("Vergelijking met vergelijkbare kinderen die niet deelnamen",
                                    "Comparison with similar children who did not take part"), "comparison")
        out += "<div class=\"box\"><p>" + text.pick(
            "Elk kind dat deelnam (een jongere zelf, of een kind van een deelnemende ouder) is op de dag van de indexdatum vergeleken met tot vier kinderen uit de BRP die toen in de gemeente woonden, niet in individuele hulp zaten, nooit in een groep zaten en hetzelfde geboortejaar, geslacht, dezelfde wijk en dezelfde hulpgeschiedenis van het jaar ervoor hadden. Beide groepen zijn op dezelfde manier gevolgd.",
            "Each child who took part (a youth, or a child of a participating parent) was compared, on its index date, with up to four children of the population register who lived in the municipality then, were not in individual care, had never been in a group, and had the same birth year, sex, district and care history of the year before. Both groups were followed the same way.")
            + "</p><p>" + text.pick(
            "Wat dit niet kan bewijzen: er is alleen vergeleken op wat de registers weten. Gezinnen kiezen zelf of ze deelnemen, en wat hen daartoe brengt (zorgen, een verwijzing, motivatie) staat niet in de gegevens. Een verschil kan dus ook door zulke verschillen komen en is geen bewijs dat de groep het veroorzaakt.",
            "What this cannot prove: the comparison only matches on what the registers know. Families choose to take part, and what brings them (worries, a referral, motivation) is not in the data. A difference can come from such differences too and is no proof that the group caused it.")
            + "</p></div>"
        if let sentence = headline(table, text: text) { out += "<p class=\"lead\">\(sentence)</p>" }
        if let curves = tables["comparison_curve"] { out += chart(curves, text: text) }
        out += arms(table, k, text: text)
        if let balance = tables["balance"] {
            out += balanceTable(balance, k, text: text)
            out += "<p class=\"note\">" + text.pick(
                "Een gestandaardiseerd verschil boven 0,1 in absolute waarde is gemarkeerd: op dat kenmerk verschillen de groepen merkbaar. Aandelen zijn berekend uit de afgeronde aantallen.",
                "A standardised difference above 0.1 in absolute value is flagged: the groups differ noticeably on it. Shares are computed from the rounded counts.") + "</p>"
        }
        return out
    }

    /// "After one year ..." from the `all` rows at 365 days (or the nearest published horizon).
    static func headline(_ table: PublishedTable, text: ReportText) -> String? {
        let rows = table.rows.map { table.cells($0) }.filter { $0["stratum"]?.csv == "all" }
        let horizons = Set(rows.compactMap { Int($0["horizon_days"]?.csv ?? "") }).sorted()
        guard let h = horizons.min(by: { abs($0 - 365) < abs($1 - 365) }) else { return nil }
        func row(_ arm: String) -> [String: Cell]? { rows.first { $0["horizon_days"]?.csv == String(h) && $0["arm"]?.csv == arm } }
        guard let e = row("exposed"), let c = row("comparison"), let d = row("difference"),
              case .proportion(let pe)? = e["cif_aj"], case .proportion(let pc)? = c["cif_aj"],
              case .number(let diff, _)? = d["cif_aj"], case .number(let low, _)? = d["cif_aj_low"], case .number(let high, _)? = d["cif_aj_high"]
        else { return nil }
        let pct = { (x: Double) in text.decimal(Cell.fixed(100 * x, 1)) + "%" }
        let points = { (x: Double) in text.decimal(Cell.fixed(100 * x, 1)) }
        return text.pick(
            "Na \(h) dagen had \(pct(pe)) van de deelnemende kinderen individuele hulp gekregen, tegen \(pct(pc)) van de vergelijkbare kinderen: een verschil van \(points(diff)) procentpunt (95%-betrouwbaarheidsinterval \(points(low)) tot \(points(high))).",
            "After \(h) days \(pct(pe)) of the children who took part had received individual care, against \(pct(pc)) of the similar children: a difference of \(points(diff)) percentage points (95% confidence interval \(points(low)) to \(points(high))).")
    }

    /// Both arms' curves for all entries in one chart.
    static func chart(_ table: PublishedTable, text: ReportText) -> String {
        var series: [String: (points: [(t: Int, f: Double, low: Double, high: Double)], atRisk: [Int: String])] = [:]
        for row in table.rows {
            let c = table.cells(row)
            guard c["stratum"]?.csv == "all", let arm = c["arm"]?.csv, let day = Int(c["t_days"]?.csv ?? ""),
                  case .proportion(let f)? = c["cif_aj"], case .proportion(let lo)? = c["cif_aj_low"], case .proportion(let hi)? = c["cif_aj_high"] else { continue }
            series[arm, default: ([], [:])].points.append((day, f, lo, hi))
            series[arm, default: ([], [:])].atRisk[day] = c["at_risk"]?.csv ?? ""
        }
        let labels = ["exposed": text.pick("deelnemers", "took part"), "comparison": text.pick("vergelijkbare kinderen", "similar children")]
        let curves = ["exposed", "comparison"].compactMap { arm in
            series[arm].map { CurveSeries(label: labels[arm]!, points: $0.points, atRisk: $0.atRisk) }
        }
        guard !curves.isEmpty else { return "" }
        return StepChart(title: text.pick("Kreeg individuele hulp: deelnemers en vergelijkbare kinderen", "Received individual care: participants and similar children"),
                         series: curves).svg()
    }

    /// The arms per stratum and horizon in words: counts, the share that received care before
    /// 18 with its interval, and the difference (in percentage points) and ratio of the arms.
    static func arms(_ table: PublishedTable, _ k: Int, text: ReportText) -> String {
        var out = HTML.element("h3", text.pick("Uitstroom per groep en het verschil", "Outflow per arm and the difference"))
        let counts = ["entries", "n_followed", "n_events", "n_competing", "n_censored"]
        let armWords = ["exposed": text.pick("deelnemers", "took part"), "comparison": text.pick("vergelijkbare kinderen", "similar children"),
                        "difference": text.pick("verschil (procentpunt)", "difference (percentage points)"),
                        "ratio": text.pick("verhouding", "ratio")]
        var group: (String, String)? = nil
        var rows: [[String]] = []
        func flush() {
            guard let (variable, value) = group, !rows.isEmpty else { return }
            let heading = variable == "all" ? text.stratumHeading("all")
                : text.stratumHeading(variable) + ": " + text.value(variable, value)
            out += HTML.element("h4", heading, data: [("stratum", variable), ("value", value)])
            out += HTML.table(header: [text.label("horizon_days"), text.pick("groep", "arm")] + counts.map(text.label)
                                + [text.pick("hulp vóór 18 (Aalen-Johansen)", "care before 18 (Aalen-Johansen)")],
                              rows: rows, columns: ["horizon_days", "arm"] + counts + ["cif_aj"])
            rows = []
        }
        for row in table.rows {
            let c = table.cells(row)
            let key = (c["stratum"]?.csv ?? "", c["stratum_value"]?.csv ?? "")
            if group.map({ $0 != key }) ?? true { flush(); group = key }
            let arm = c["arm"]?.csv ?? ""
            var estimate = cell(c["cif_aj"] ?? .empty, k, text)
            switch (arm, c["cif_aj"], c["cif_aj_low"], c["cif_aj_high"]) {
            case ("difference", .number(let d, _)?, .number(let lo, _)?, .number(let hi, _)?):
                let points = { (x: Double) in text.decimal(Cell.fixed(100 * x, 1)) }
                estimate = "<span class=\"ci\">\(points(d)) (\(points(lo)) – \(points(hi)))</span>"
            case ("ratio", .number(let r, _)?, .number(let lo, _)?, .number(let hi, _)?):
                let two = { (x: Double) in text.decimal(Cell.fixed(x, 2)) }
                estimate = "<span class=\"ci\">\(two(r)) (\(two(lo)) – \(two(hi)))</span>"
            case (_, .proportion?, _, _):
                estimate = "<span class=\"ci\">\(estimate) (\(cell(c["cif_aj_low"] ?? .empty, k, text)) – \(cell(c["cif_aj_high"] ?? .empty, k, text)))</span>"
            default: break
            }
            let isContrast = arm == "difference" || arm == "ratio"
            rows.append([cell(c["horizon_days"] ?? .empty, k, text), HTML.escape(armWords[arm] ?? arm)]
                        + counts.map { isContrast ? "" : cell(c[$0] ?? .empty, k, text) } + [estimate])
        }
        flush()
        return out + text.legend(k: k, extra: text.ciNote)
    }

    /// balance.csv in words: per characteristic the share or mean in each group and the
    /// standardised difference, then the matching counts.
    static func balanceTable(_ table: PublishedTable, _ k: Int, text: ReportText) -> String {
        let variables = ["birth_year": text.pick("geboortejaar (gemiddeld)", "birth year (mean)"), "sex": text.pick("geslacht", "sex"),
                         "district": text.pick("wijk", "district"), "prior_care": text.pick("hulp in het jaar ervoor", "care in the year before"),
                         "age_at_index": text.pick("leeftijd op de indexdatum (gemiddeld)", "age at index (mean)"),
                         "earlier_decisions": text.pick("eerdere besluiten (gemiddeld)", "earlier decisions (mean)"),
                         "matching": text.pick("koppeling", "matching")]
        let levels = ["yes": text.pick("ja", "yes"), "no": text.pick("nee", "no"),
                      "exposed_entries": text.pick("deelnemende kinderen", "children who took part"),
                      "matched": text.pick("met vergelijkbare kinderen", "matched"), "unmatched": text.pick("zonder vergelijkbaar kind", "unmatched"),
                      "fewer_controls_than_asked": text.pick("met minder vergelijkbare kinderen dan gevraagd", "with fewer controls than asked"),
                      "controls": text.pick("vergelijkbare kinderen", "similar children"),
                      "controls_per_entry_asked": text.pick("gevraagd per deelnemend kind", "asked per child")]
        var rows: [[String]] = []
        for row in table.rows {
            let c = table.cells(row)
            let variable = c["variable"]?.csv ?? "", level = c["level"]?.csv ?? ""
            let flagged = c["flagged"]?.csv == "1"
            rows.append([HTML.escape(variables[variable] ?? variable), HTML.escape(levels[level] ?? level),
                         cell(c["exposed"] ?? .empty, k, text), cell(c["comparison"] ?? .empty, k, text), cell(c["smd"] ?? .empty, k, text),
                         flagged ? text.pick("ja", "yes") : ""])
        }
        return HTML.element("h3", text.pick("Hoe goed lijken de groepen op elkaar (balans)", "How alike the groups are (balance)"))
            + HTML.table(header: [text.pick("kenmerk", "characteristic"), text.pick("waarde", "level"), text.pick("deelnemers", "took part"),
                                  text.pick("vergelijkbare kinderen", "similar children"), text.pick("gestandaardiseerd verschil", "standardised difference"),
                                  text.pick("gemarkeerd", "flagged")],
                         rows: rows, columns: ["variable", "level", "exposed", "comparison", "smd", "flagged"])
            + text.legend(k: k)
    }
}
