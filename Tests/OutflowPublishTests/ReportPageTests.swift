// The analyst and steward pages: escaped text, suppressed cells as `<k` and never a number,
// no scripts or network addresses, deterministic charts, Table 1 with statements not asked
// of a role marked, audit warnings first. The report is Dutch by default (ReportLanguageTests
// has the language, the small multiples and the axis ticks).

import Testing
import OutflowCore
import OutflowCSV
import OutflowAnalysis
import OutflowPublish
import OutflowTestSupport

struct ReportPageTests {
    static let facts = RunFacts(pipelineName: "test <&>", runId: "20250401T020000Z", version: "0.1.0", asOf: Day(parsing: "2025-03-31")!,
                                generatedAt: "2025-04-01T02:00:00Z", definitions: [("index date", "end"), ("age limit", "18 (birthday taken as 1 July of the birth year)")],
                                inputs: [], minCell: 10, roundTo: 5, ageLimit: 18)

    static let tables: [String: PublishedTable] = [
        "outflow": PublishedTable(name: "outflow", columns: ["stratum", "stratum_value", "horizon_days", "entries", "n_followed", "n_events",
                                                             "n_censored", "cum_incidence", "ci_low", "ci_high", "suppressed",
                                                             "n_competing", "cif_aj", "cif_aj_low", "cif_aj_high"],
                                  rows: [[.key("all"), .key("all"), .key("91"), .count(45), .count(15), .count(15), .count(5),
                                          .proportion(0.5), .proportion(0.31), .proportion(0.72), .count(10), .proportion(0.4), .proportion(0.25), .proportion(0.6)],
                                         [.key("role"), .key("jongere"), .key("91")] + Array(repeating: Cell.suppressed, count: 11)]),
        "outflow_curve": PublishedTable(name: "outflow_curve", columns: ["stratum", "stratum_value", "t_days", "at_risk", "cum_incidence", "ci_low", "ci_high",
                                                                         "cif_aj", "cif_aj_low", "cif_aj_high"],
                                        rows: [[.key("all"), .key("all"), .key("0"), .count(40), .proportion(0.1), .proportion(0.05), .proportion(0.2),
                                                .proportion(0.1), .proportion(0.05), .proportion(0.2)],
                                               [.key("all"), .key("all"), .key("30"), .count(30), .proportion(0.25), .proportion(0.1), .proportion(0.35),
                                                .proportion(0.2), .proportion(0.1), .proportion(0.3)]]),
        "questionnaire": PublishedTable(name: "questionnaire", columns: ["wave", "role", "item", "respondents", "pct_disagree", "pct_neutral", "pct_agree", "suppressed"],
                                        rows: [[.key("1"), .key("jongere"), .key("learned_useful"), .count(12), .percent(8.3), .percent(16.7), .percent(75)],
                                               [.key("1"), .key("opvoeder"), .key("at_ease"), .suppressed, .suppressed, .suppressed, .suppressed]]),
    ]

    static let instrument = Instrument(name: "E", version: "1", items: [
        Instrument.Item(code: "at_ease", text: "Op mijn gemak", roles: [.opvoeder], track: false),
        Instrument.Item(code: "learned_useful", text: "Iets geleerd", roles: [.jongere], track: false),
    ])

    @Test func rendersSuppressedCellsAsLessThanKAndEscapesText() {
        let html = ReportPage.render(facts: Self.facts, tables: Self.tables, instrument: Self.instrument)
        #expect(html.contains("test &lt;&amp;&gt;"))
        #expect(html.contains("&lt;10"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") && !html.contains("https://"))
        // The suppressed jongere row shows no number at all.
        let row = html.components(separatedBy: "<td>jongere</td>").dropFirst().first?.components(separatedBy: "</tr>").first ?? ""
        let withoutKeys = row.replacingOccurrences(of: "&lt;10", with: "").replacingOccurrences(of: "<td>91</td>", with: "")
        // entries, followed, events, competing, censored and both estimates
        #expect(row.components(separatedBy: "&lt;10").count - 1 == 7)
        #expect(withoutKeys.allSatisfy { !$0.isNumber })
    }

    @Test func chartsOfEqualInputsAreIdenticalAndDrawTheKnownSteps() {
        // Built separately, the numbers at risk inserted in opposite orders: a chart that
        // followed dictionary order would differ between the two, or between runs.
        func chart(atRisk: [(Int, String)]) -> StepChart {
            var byDay: [Int: String] = [:]
            for (day, n) in atRisk { byDay[day] = n }
            return StepChart(title: "t", series: [CurveSeries(label: "all", points: [(0, 0.1, 0.05, 0.2), (30, 0.2, 0.1, 0.3)], atRisk: byDay)])
        }
        let first = chart(atRisk: [(0, "40"), (30, "30")])
        let second = chart(atRisk: [(30, "30"), (0, "40")])
        #expect(first.svg() == second.svg())
        #expect(first.atRiskTable() == second.atRiskTable())
        let svg = first.svg()
        // maxT 30 spans 532 px from x = 58; the highest bound 0.3 gives a 0.05 grid up to 0.3,
        // y(f) = 20 + 268 * (1 - f / 0.3): y(0.05) = 243.3, y(0.1) = 198.7, y(0.2) = 109.3, y(0.3) = 20.
        #expect(svg.contains("<polyline points=\"58.0,198.7 590.0,198.7 590.0,109.3 590.0,109.3\" fill=\"none\" stroke=\"#1b6ca8\" stroke-width=\"2\"/>"))
        // The band runs along the upper bounds and back along the lower ones.
        #expect(svg.contains("<polygon points=\"58.0,109.3 590.0,109.3 590.0,20.0 590.0,20.0 590.0,198.7 590.0,198.7 590.0,243.3 58.0,243.3\""))
        #expect((0...6).map { "\($0 * 5)%</text>" }.allSatisfy(svg.contains) && !svg.contains(">35%<"))
        #expect(first.atRiskTable().contains("<td>40</td><td>30</td>"))
    }

    @Test func horizonsLeadWithAalenJohansenAndShowKaplanMeierBeside() {
        let html = ReportPage.render(facts: Self.facts, tables: Self.tables, instrument: nil)
        #expect(html.contains("<th data-column=\"stratum_value\"></th><th data-column=\"horizon_days\">dag</th><th data-column=\"entries\">deelnames</th>"
                              + "<th data-column=\"n_followed\">nog gevolgd</th><th data-column=\"n_events\">hulp gekregen</th>"
                              + "<th data-column=\"n_competing\">18 jaar of overleden</th><th data-column=\"n_censored\">niet verder gevolgd</th>"
                              + "<th data-column=\"cif_aj\">hulp vóór 18 (Aalen-Johansen)</th><th data-column=\"cum_incidence\">Kaplan-Meier</th>"))
        #expect(html.contains("<td><span data-key=\"all\">alle deelnames</span></td><td>91</td><td>45</td><td>15</td><td>15</td><td>10</td><td>5</td>"
                              + "<td><span class=\"ci\">40,0% (25,0% – 60,0%)</span></td><td><span class=\"ci\">50,0% (31,0% – 72,0%)</span></td>"))
        #expect(html.contains("het aandeel dat die hulp kreeg vóór de leeftijd van 18 (Aalen-Johansen"))
        let english = ReportPage.render(facts: Self.facts, tables: Self.tables, instrument: nil, text: ReportText(.en))
        #expect(english.contains("<th data-column=\"horizon_days\">horizon (days)</th><th data-column=\"entries\">entries</th>"
                                 + "<th data-column=\"n_followed\">still followed</th><th data-column=\"n_events\">received care</th>"))
        #expect(english.contains("<td><span data-key=\"all\">all entries</span></td><td>91</td><td>45</td><td>15</td><td>15</td><td>10</td><td>5</td>"
                                 + "<td><span class=\"ci\">40.0% (25.0% – 60.0%)</span></td><td><span class=\"ci\">50.0% (31.0% – 72.0%)</span></td>"))
        #expect(english.contains("the share that received that care before the age of 18 (Aalen-Johansen"))
        // A table from before competing events shows Kaplan-Meier alone.
        let old = PublishedTable(name: "outflow", columns: ["stratum", "stratum_value", "horizon_days", "entries", "n_followed", "n_events",
                                                            "n_censored", "cum_incidence", "ci_low", "ci_high", "suppressed"],
                                 rows: [[.key("all"), .key("all"), .key("91"), .count(45), .count(15), .count(15), .count(15),
                                         .proportion(0.5), .proportion(0.31), .proportion(0.72)]])
        let page = ReportPage.horizons(old, 10, title: "t", key: "stratum_value")
        #expect(page.contains(">niet verder gevolgd</th><th data-column=\"cum_incidence\">cumulatieve incidentie</th></tr>") && !page.contains("18 jaar of overleden"))
    }

    @Test func curvesDrawAalenJohansenWithItsBandAndKaplanMeierThin() {
        let html = ReportPage.curves(Self.tables["outflow_curve"]!)
        // Highest drawn value 0.3 (the Aalen-Johansen bound and the Kaplan-Meier line 0.25 are
        // under it): y(f) = 20 + 268 * (1 - f / 0.3), y(0.1) = 198.7, y(0.2) = 109.3, y(0.25) = 64.7.
        #expect(html.contains("<polyline points=\"58.0,198.7 590.0,198.7 590.0,109.3 590.0,109.3\" fill=\"none\" stroke=\"#1b6ca8\" stroke-width=\"2\"/>"))
        #expect(html.contains("<polyline points=\"58.0,198.7 590.0,198.7 590.0,64.7 590.0,64.7\" fill=\"none\" stroke=\"#1b6ca8\" stroke-width=\"1\" stroke-opacity=\"0.7\"/>"))
        #expect(html.contains("dunne lijnen: Kaplan-Meier"))
    }

    @Test func tableOneMarksStatementsNotAskedOfARole() {
        let html = ReportPage.render(facts: Self.facts, tables: Self.tables, instrument: Self.instrument)
        #expect(html.contains("Jongeren (N=12)"))
        #expect(html.contains("Opvoeders (N=&lt;10)"))
        #expect(html.contains("<td>Iets geleerd</td><td>8,3</td><td>16,7</td><td>75,0</td><td class=\"na\">–</td>"))
        #expect(html.contains("–: stelling niet voorgelegd aan deze rol."))
    }

    @Test func auditShowsWarningsFirstAndTablesForLists() {
        let audit = JSONValue.object([
            ("warnings", .array([.string("match rate dropped")])),
            ("matchRates", .array([.object([("name", .string("a")), ("linked", .int(3))])])),
        ])
        let html = AuditPage.render(facts: Self.facts, audit: audit)
        let warning = html.range(of: "match rate dropped")!.lowerBound
        let rates = html.range(of: "Match rates")!.lowerBound
        #expect(warning < rates)
        #expect(html.contains("<th>Name</th><th>Linked</th>"))
    }

    @Test func opensWithHowNumbersAreProtectedAndSaysUnprotectedWhenOff() {
        let page = ReportPage.render(facts: Self.facts, tables: Self.tables, instrument: nil)
        #expect(page.contains("Hoe de cijfers beschermd zijn."))
        #expect(page.contains("1 tot en met 10 wordt 5, 11 tot en met 20 wordt 15") && page.contains("veelvoud van 5"))
        #expect(!page.contains("ONBESCHERMD") && !page.contains("UNPROTECTED"))
        #expect(ReportPage.render(facts: Self.facts, tables: Self.tables, instrument: nil, text: ReportText(.en)).contains("1 to 10 becomes 5"))
        var off = Self.facts
        off.minCell = 1
        off.roundTo = 1
        let unprotected = ReportPage.render(facts: off, tables: Self.tables, instrument: nil)
        #expect(unprotected.contains("<b>ONBESCHERMD</b>: de bescherming van de cijfers staat uit (minCell = 1, roundTo = 1)"))
        #expect(unprotected.range(of: "ONBESCHERMD")!.lowerBound < unprotected.range(of: "<h1>")!.lowerBound)
        #expect(unprotected.contains("Alle aantallen op deze pagina zijn exacte aantallen"))
        let english = ReportPage.render(facts: off, tables: Self.tables, instrument: nil, text: ReportText(.en))
        #expect(english.contains("<b>UNPROTECTED</b>") && english.range(of: "UNPROTECTED")!.lowerBound < english.range(of: "<h1>")!.lowerBound)
    }
}
