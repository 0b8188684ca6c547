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
        out += simple(table, k, title: text.pick("Uitstroom per groep en het verschil", "Outflow per arm and the difference"), skip: ["stratum"], text: text)
        if let balance = tables["balance"] {
            out += simple(balance, k, title: text.pick("Hoe goed lijken de groepen op elkaar (balans)", "How alike the groups are (balance)"), skip: [], text: text)
            out += "<p class=\"note\">" + text.pick(
                "Een gestandaardiseerd verschil (smd) boven 0,1 in absolute waarde is gemarkeerd (flagged = 1): op die kenmerk verschillen de groepen merkbaar.",
                "A standardised mean difference (smd) above 0.1 in absolute value is flagged (flagged = 1): the groups differ noticeably on it.") + "</p>"
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
        return text.pick(
            "Na \(h) dagen had \(pct(pe)) van de deelnemende kinderen individuele hulp gekregen, tegen \(pct(pc)) van de vergelijkbare kinderen: een verschil van \(pct(diff)) (95%-betrouwbaarheidsinterval \(pct(low)) tot \(pct(high))).",
            "After \(h) days \(pct(pe)) of the children who took part had received individual care, against \(pct(pc)) of the similar children: a difference of \(pct(diff)) (95% confidence interval \(pct(low)) to \(pct(high))).")
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
}
