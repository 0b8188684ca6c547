// report.language and readable charts: the page is in plain Dutch by default (lang="nl",
// Dutch headings, dates as 31-03-2025, decimal commas, no raw codes in the visible text) and
// in English with `"en"`; the "in short" box states the headline figures of the published
// `all` rows; before/after says what it cannot show; more than six curves become small
// multiples on shared axes; the axis ticks and the numbers-at-risk columns are the same round
// days; no two curves of a chart share colour and dash; the same tables give the same page.

import Foundation
import Testing
import OutflowCore
import OutflowCSV
import OutflowAnalysis
import OutflowPublish
import OutflowTestSupport

struct ReportLanguageTests {
    static let facts = ReportPageTests.facts

    /// A curve table: `values` of one stratum variable beside `all`, points every 30 days
    /// up to `lastDay` (each value `shorter` days shorter than the one before), at risk
    /// falling by 5 a step.
    static func curveTable(variable: String, values: [String], lastDay: Int = 1290, shorter: Int = 30) -> PublishedTable {
        var rows: [[Cell]] = []
        for (i, (v, value)) in ([("all", "all")] + values.map { (variable, $0) }).enumerated() {
            for t in stride(from: 0, through: lastDay - shorter * i, by: 30) {
                let f = 0.01 + Double(t) / 10_000 + Double(i) / 100
                rows.append([.key(v), .key(value), .key(String(t)), .count(500 - t / 6), .proportion(f), .proportion(f * 0.8), .proportion(f * 1.2),
                             .proportion(f), .proportion(f * 0.8), .proportion(f * 1.2)])
            }
        }
        return PublishedTable(name: "outflow_curve", columns: ["stratum", "stratum_value", "t_days", "at_risk", "cum_incidence", "ci_low", "ci_high",
                                                               "cif_aj", "cif_aj_low", "cif_aj_high"], rows: rows)
    }

    /// Every analyst table with the codes a page must not show raw.
    static var tables: [String: PublishedTable] {
        var tables = ReportPageTests.tables
        tables["outflow_curve"] = curveTable(variable: "group_type", values: ["opvoedgroep", "scheiding"])
        tables["attrition"] = PublishedTable(name: "attrition", columns: ["step", "reason", "entries", "persons", "excluded_entries", "excluded_persons"], rows: [
            [.key("1"), .key("registration episodes started on or before the cut-off"), .count(650), .count(600), .count(0), .count(0)],
            [.key("2"), .key("role is one of jongere, opvoeder"), .count(590), .count(545), .count(0), .count(0)],
            [.key("3"), .key("outcome observable (caregiver has a linked child under 18 at index)"), .count(515), .count(515), .count(30), .count(30)],
        ])
        tables["rates"] = PublishedTable(name: "rates", columns: ["stratum", "stratum_value", "entries", "events", "person_years", "rate_per_100py", "ci_low", "ci_high", "suppressed"],
                                         rows: [[.key("all"), .key("all"), .count(475), .count(75), .number(754.18, decimals: 2), .number(9.94, decimals: 2),
                                                 .number(7.82, decimals: 2), .number(12.47, decimals: 2)],
                                                [.key("index_year"), .key("2024"), .count(105), .count(5), .number(69.09, decimals: 2), .number(7.24, decimals: 2),
                                                 .number(2.35, decimals: 2), .number(16.89, decimals: 2)]])
        tables["before_after"] = PublishedTable(name: "before_after", columns: ["stratum", "stratum_value", "entries", "before_yes_after_yes", "before_yes_after_no",
                                                                                "before_no_after_yes", "before_no_after_no", "p_mcnemar", "suppressed", "prop_before", "prop_after"],
                                                rows: [[.key("all"), .key("all"), .count(355), .count(0), .count(15), .count(40), .count(300), .number(0.001, decimals: 4),
                                                        .proportion(0.0423), .proportion(0.1127)],
                                                       [.key("group_type"), .key("scheiding"), .count(65), .withheld, .suppressed, .suppressed, .withheld, .withheld,
                                                        .withheld, .withheld]])
        tables["response"] = PublishedTable(name: "response", columns: ["wave", "role", "eligible", "respondents", "response_rate", "suppressed"], rows: [
            [.key("1"), .key("jongere"), .count(115), .count(55), .proportion(0.4783)],
            [.key("1"), .key("opvoeder"), .count(430), .count(215), .proportion(0.5)],
            [.key("2"), .key("jongere"), .count(95), .count(25), .proportion(0.2632)],
        ])
        tables["persistence"] = PublishedTable(name: "persistence", columns: ["item", "wave_from", "wave_to", "band_from", "band_to", "persons", "suppressed"], rows: [
            [.key("at_ease"), .key("1"), .key("2"), .key("disagree"), .key("disagree"), .count(35)],
            [.key("at_ease"), .key("1"), .key("2"), .key("neutral"), .key("agree"), .suppressed],
        ])
        let byAnswerColumns = ["item", "band", "horizon_days", "entries", "n_followed", "n_events", "n_censored", "cum_incidence", "ci_low", "ci_high",
                               "suppressed", "n_competing", "cif_aj", "cif_aj_low", "cif_aj_high"]
        tables["outflow_by_answer"] = PublishedTable(name: "outflow_by_answer", columns: byAnswerColumns, rows: ["disagree", "neutral", "agree", "no_answer"].map { band in
            [.key("at_ease"), .key(band), .key("91"), .count(55), .count(45), .count(5), .count(5), .proportion(0.091), .proportion(0.033), .proportion(0.184),
             .count(0), .proportion(0.091), .proportion(0.033), .proportion(0.184)]
        })
        return tables
    }

    static func render(_ language: ReportLanguage, tables: [String: PublishedTable] = tables) -> String {
        var facts = Self.facts
        facts.inputs = [FileOutcome(source: .registrations, fileName: "registraties_2025-03-31.csv", sha256: "", status: .alreadyLoaded)]
        return ReportPage.render(facts: facts, tables: tables, instrument: ReportPageTests.instrument, text: ReportText(language))
    }

    /// The text a reader sees: without the style sheet and the tags (the codes in `data-`
    /// attributes are not shown), entities decoded.
    static func visibleText(_ html: String) -> String {
        var text = html.replacingOccurrences(of: #"<style>[\s\S]*?</style>"#, with: " ", options: .regularExpression)
        text = text.replacingOccurrences(of: #"<[^>]*>"#, with: " ", options: .regularExpression)
        for (entity, ch) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: ch)
        }
        return text
    }

    @Test func thePageIsPlainDutchByDefault() throws {
        let html = Self.render(.nl)
        #expect(html.contains("<html lang=\"nl\">"))
        for heading in ["Uitstroom naar individuele jeugdhulp: ", "In het kort", "Definities en leveringen", "Wie zitten er in het cohort",
                        "Uitstroomcurves", "Uitstroom op vaste momenten", "Tempo van uitstroom per 100 persoonsjaren",
                        "Hulp in het jaar vóór en na de groep", "Respons op de vragenlijst", "Blijft het contact?",
                        "Uitstroom naar antwoord in meting 1", "Naar soort groep", "Naar jaar van de indexdatum", "Meting 1"] {
            #expect(html.contains(heading), "\(heading)")
        }
        #expect(html.contains("Peildatum <b>31-03-2025</b>") && html.contains("gemaakt op 01-04-2025 02:00 UTC"))
        #expect(!html.contains("2025-03-31") || html.contains("registraties_2025-03-31.csv"))
        // Decimal commas in the page; the CSV text of the same cells keeps its point.
        #expect(html.contains("<td>754,18</td>") && html.contains("<td>0,0010</td>") && html.contains("<td>4,2%</td>"))
        #expect(Self.tables["rates"]!.csv().contains("754.18"))
        let text = Self.visibleText(html)
        let codes = ["no_answer", "p mcnemar", "p_mcnemar", "prop before", "prop_before", "prop_after", "group_type", "group type", "index_year",
                     "index year", "stratum_value", "stratum value", "horizon_days", "horizon (days)", "n_events", "n_censored", "n_competing",
                     "cum_incidence", "cif_aj", "person_years", "rate_per_100py", "ci_low", "response_rate", "before_yes_after_no",
                     "disagree", "neutral", "agree", "already_loaded", "registrations", "at_ease", "can_move_on", "excluded_entries",
                     "entries", "persons", "followed", "censored", "competing", "wave", "withheld", "role is one of", "caregiver",
                     "cumulative incidence", "days since", "thin lines", "Outflow", "UNPROTECTED", "age_limit", "end_of_data"]
        for code in codes {
            #expect(!text.contains(code), "raw code or English word '\(code)' on the Dutch page")
        }
        #expect(text.firstMatch(of: /\ball\b/) == nil, "raw 'all'")
        #expect(text.contains("(helemaal) niet mee eens") && text.contains("geen antwoord") && text.contains("soort groep")
                && text.contains("eerder ingelezen") && text.contains("rol is jongere of opvoeder"))
    }

    @Test func englishWhenTheReportBlockSaysSo() {
        let html = Self.render(.en)
        #expect(html.contains("<html lang=\"en\">"))
        #expect(html.contains("Cut-off date <b>2025-03-31</b>") && html.contains("Outflow at the horizons") && html.contains("In short"))
        #expect(html.contains("<td>754.18</td>") && html.contains("(strongly) disagree") && html.contains("no answer"))
        #expect(!Self.visibleText(html).contains("no_answer") && !Self.visibleText(html).contains("p_mcnemar"))
    }

    @Test func inShortStatesTheHeadlineFiguresAndBeforeAfterItsLimits() throws {
        var tables = Self.tables
        // The all row at one year: the share (Aalen-Johansen) with its interval.
        tables["outflow"]!.rows.insert([.key("all"), .key("all"), .key("365"), .count(475), .count(295), .count(55), .count(125), .proportion(0.1352),
                                        .proportion(0.1051), .proportion(0.1728), .count(0), .proportion(0.1352), .proportion(0.1037), .proportion(0.1708)], at: 1)
        let html = Self.render(.nl, tables: tables)
        let box = try #require(html.components(separatedBy: "<div class=\"short\">").dropFirst().first?.components(separatedBy: "</div>").first)
        #expect(box.contains("Het cohort telt 45 deelnames"))
        #expect(box.contains("13,5% van hen kreeg binnen een jaar na de indexdatum een eerste besluit voor individuele jeugdhulp, vóór de leeftijd van 18"))
        #expect(box.contains("tussen 10,4% en 17,1% (Aalen-Johansen)"))
        #expect(box.contains("Op de vragenlijst van meting 1 antwoordde 47,8% van de jongeren en 50,0% van de opvoeders"))
        #expect(html.range(of: "In het kort")!.lowerBound < html.range(of: "Hoe de cijfers beschermd zijn")!.lowerBound)
        // Without a one-year row the longest published horizon is stated in days.
        #expect(Self.render(.en).contains("40.0% of them received a first decision for individual youth care within 91 days of the index date"))
        let caveat = try #require(html.components(separatedBy: "data-table=\"before_after\"").last)
        #expect(caveat.contains("Wat deze vergelijking niet kan laten zien:") && caveat.contains("geen vergelijkingsgroep")
                && caveat.contains("regressie naar het gemiddelde"))
    }

    @Test func everyTableHasALegendForItsBlankCells() {
        let html = Self.render(.nl)
        let tables = html.components(separatedBy: "</table>").count - 1
        // Every data table but the two of definitions and deliveries is followed by its legend.
        let legends = html.components(separatedBy: "</table><p class=\"legend\">").count - 1
        #expect(legends == tables - 2)
        #expect(html.contains("–: niet te schatten of niet van toepassing; &lt;10: minder dan 10, niet getoond; <i>verborgen</i>: weggelaten zodat een klein aantal elders niet uit te rekenen is"))
        #expect(html.contains("–: de curve loopt niet tot die dag door, omdat daar minder dan 10 deelnames in de risicogroep zaten."))
    }

    @Test func moreThanSixCurvesBecomeSmallMultiplesOnTheSameAxes() throws {
        let seven = (1...7).map { "Organisatie \($0)" }
        var tables = Self.tables
        tables["outflow_curve"] = Self.curveTable(variable: "organisation", values: seven)
        let html = ReportPage.curves(tables["outflow_curve"]!, 10, text: ReportText(.nl))
        let block = try #require(html.components(separatedBy: "data-stratum=\"organisation\"").last)
        let multiples = try #require(block.components(separatedBy: "<div class=\"multiples\">").dropFirst().first?.components(separatedBy: "</div>").first)
        let panels = multiples.components(separatedBy: "<figure>").dropFirst()
        #expect(panels.count == 7)
        #expect(panels.map { $0.components(separatedBy: "<svg").count - 1 } == Array(repeating: 1, count: 7))
        #expect(zip(panels, seven).allSatisfy { $0.contains("<figcaption>\($1)</figcaption>") })
        // The same axes: every panel has the same tick labels on both axes.
        let axes = panels.map { panel in panel.matches(of: /font-size="10"[^>]*>([0-9]+%?)</).map { String($0.output.1) } }
        #expect(Set(axes.map { $0.joined(separator: " ") }).count == 1)
        // The organisations' longest curve ends at day 1260: the axis runs to it, ticks to 1095.
        #expect(axes[0].contains("0%") && axes[0].contains("1095") && !axes[0].contains("1275"))
        // Each panel draws its own curve, with all entries as the grey line behind it.
        #expect(panels.allSatisfy { $0.contains("stroke=\"#9aa3b2\"") && $0.contains("stroke=\"#1b6ca8\" stroke-width=\"2\"") })
        #expect(html.contains("7 groepen: één kleine grafiek per groep, alle met dezelfde assen."))
        // Six values stay one chart with six distinct curves and a legend.
        let six = ReportPage.curves(Self.curveTable(variable: "organisation", values: Array(seven.prefix(6))), 10, text: ReportText(.nl))
        #expect(!six.contains("class=\"multiples\""))
        let chart = try #require(six.components(separatedBy: "data-stratum=\"organisation\"").last)
        let styles = chart.matches(of: /<polyline points="[^"]*" fill="none" stroke="(#[0-9a-f]+)" stroke-width="2"( stroke-dasharray="([^"]*)")?/)
            .map { "\($0.output.1) \($0.output.3 ?? "")" }
        #expect(styles.count == 6 && Set(styles).count == 6)
    }

    @Test func noTwoCurvesShareColourAndDash() {
        let styles = (0..<64).map { StepChart.style($0) }
        #expect(Set(styles.map { "\($0.colour) \($0.dash)" }).count == 64)
        #expect(Set(styles.prefix(StepChart.maxSeries).map(\.colour)).count == StepChart.maxSeries)
    }

    @Test func axisTicksAndNumbersAtRiskAreTheSameRoundDays() throws {
        // Curve points: all to day 1290, jongere to 870, opvoeder to 480.
        let html = ReportPage.curves(Self.curveTable(variable: "role", values: ["jongere", "opvoeder"], shorter: 400), 10, text: ReportText(.nl))
        var blocks: [[Int]] = []
        for block in html.components(separatedBy: "<h3").dropFirst() {
            let svg = try #require(block.components(separatedBy: "<svg").dropFirst().first)
            let ticks = svg.matches(of: /class="tick">([0-9]+)</).map { Int($0.output.1)! }
            let table = try #require(block.components(separatedBy: "<table class=\"data atrisk\">").dropFirst().first)
            let header = table.components(separatedBy: "</thead>")[0]
            let columns = header.matches(of: /<th>([0-9]+)<\/th>/).map { Int($0.output.1)! }
            #expect(columns == ticks)
            blocks.append(ticks)
        }
        #expect(blocks == [[0, 90, 180, 365, 545, 730, 910, 1095, 1275], [0, 90, 180, 365, 545, 730]])
        // The numbers at risk come from the published point on or just before each tick
        // (at risk 500 - t/6 on the 30-day grid: day 360 for 365, 540 for 545), and a curve
        // that stops earlier shows "–" (opvoeder ends at day 480, before 545).
        let all = try #require(html.components(separatedBy: "<span data-key=\"all\">alle deelnames</span></td>").dropFirst().first?.components(separatedBy: "</tr>").first)
        #expect(all == "<td>500</td><td>485</td><td>470</td><td>440</td><td>410</td><td>380</td><td>350</td><td>320</td><td>290</td>")
        let opvoeder = try #require(html.components(separatedBy: "<td>opvoeder</td>").dropFirst().first?.components(separatedBy: "</tr>").first)
        #expect(opvoeder == "<td>500</td><td>485</td><td>470</td><td>440</td><td><span class=\"na\">–</span></td><td><span class=\"na\">–</span></td>")
        #expect(StepChart.ticks(30) == [0, 30] && StepChart.ticks(330) == [0, 90, 180] && StepChart.ticks(1500) == [0, 365, 730, 1095, 1460])
    }

    @Test func theSameTablesGiveTheSamePage() {
        #expect(Self.render(.nl) == Self.render(.nl))
        #expect(Self.render(.en) == Self.render(.en))
    }

    @Test func dutchDatesInText() {
        #expect(Day(parsing: "2025-03-31")!.dutch == "31-03-2025")
        #expect(Day(parsing: "2025-01-05")!.dutch == "05-01-2025")
        #expect(ReportText(.nl).timestamp("2025-04-01T02:00:00Z") == "01-04-2025 02:00 UTC")
        #expect(ReportText(.en).timestamp("2025-04-01T02:00:00Z") == "2025-04-01 02:00 UTC")
    }

    @Test func thePipelineFileChoosesTheLanguage() throws {
        #expect(try Workspace().config().report.language == .nl)
        #expect(try Workspace(extra: ", \"report\": { \"language\": \"en\" }").config().report.language == .en)
        for (extra, message) in [(", \"report\": { \"language\": \"fr\" }", "'report.language' must be \"nl\" or \"en\""),
                                 (", \"report\": { \"taal\": \"nl\" }", "unknown key 'report.taal'")] {
            let ws = try Workspace(extra: extra)
            let error = try #require(throws: OutflowError.self) { try ws.config() }
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func aRunWritesTheReportInThePipelinesLanguage() throws {
        let dutch = try Workspace()
        try dutch.deliverSmallInbox()
        _ = try dutch.job()
        let nl = try dutch.read("report.html")
        #expect(nl.contains("<html lang=\"nl\">") && nl.contains("Peildatum <b>31-03-2025</b>") && nl.contains("<td>peildatum</td><td>31-03-2025</td>"))
        let english = try Workspace(extra: ", \"report\": { \"language\": \"en\" }")
        try english.deliverSmallInbox()
        _ = try english.job()
        let en = try english.read("report.html")
        #expect(en.contains("<html lang=\"en\">") && en.contains("Cut-off date <b>2025-03-31</b>"))
        // The CSV files do not depend on the report's language.
        for name in ["outflow.csv", "rates.csv", "response.csv"] {
            #expect(try dutch.read(name) == english.read(name))
        }
        #expect(try dutch.read("restricted/audit.html").contains("<html lang=\"en\">"))
    }
}
