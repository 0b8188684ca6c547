// Every word report.html shows, in both report languages (`report.language` in the pipeline
// file): headings, column headers, labels for the codes of the tables (stratum variables,
// answer bands, roles, sources), notes and legends, and how numbers and dates are written.
// Dutch is the default: plain words, dates as 31-03-2025 and a decimal comma. The CSV files
// are not affected: they keep their own format (`csv.dialect`).
//
// Kept in one place so a wording is changed once and both languages stay side by side. The
// page also carries the codes themselves in `data-` attributes (invisible), so tools that
// read the page, such as scripts/attack-disclosure, do not depend on the wording.

import OutflowCore
import OutflowCSV
import OutflowAnalysis

/// The words and number formats of report.html in one language.
public struct ReportText: Sendable {
    public let language: ReportLanguage

    public init(_ language: ReportLanguage = .nl) { self.language = language }

    /// The Dutch or the English wording.
    package func pick(_ nl: String, _ en: String) -> String { language == .nl ? nl : en }

    /// The page's `lang` attribute.
    package var lang: String { language.rawValue }

    // MARK: - Numbers and dates

    /// A number's text with the language's decimal mark (a decimal comma in Dutch). Counts have
    /// no thousands separator in either language, so "1.250" never means 1250.
    package func decimal(_ text: String) -> String {
        language == .nl ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    /// Fixed-point text, rounded as the CSV files round.
    package func fixed(_ value: Double, _ decimals: Int) -> String { decimal(Cell.fixed(value, decimals)) }

    /// A proportion as a percentage with one decimal: 0.1352 -> "13,5%".
    package func percent(_ proportion: Double, decimals: Int = 1) -> String { fixed(100 * proportion, decimals) + "%" }

    /// A date in running text: 31-03-2025 in Dutch, 2025-03-31 in English.
    package func date(_ day: Day) -> String { language == .nl ? day.dutch : day.iso }

    /// A UTC timestamp `YYYY-MM-DDTHH:MM:SSZ` as "01-04-2025 02:00 UTC" (Dutch) or
    /// "2025-04-01 02:00 UTC"; any other text unchanged.
    package func timestamp(_ text: String) -> String {
        let parts = text.split(separator: "T")
        guard parts.count == 2, let day = Day(parsing: String(parts[0])), parts[1].count >= 5 else { return text }
        return date(day) + " " + parts[1].prefix(5) + " UTC"
    }

    /// "91, 182, 365 en 730" / "91, 182, 365 and 730".
    package func list(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + pick(" en ", " and ") + items.last!
    }

    /// The words for a code; an unknown code is shown as it is, underscores as spaces.
    package func label(_ code: String) -> String {
        if let words = Self.codes[code] { return pick(words.nl, words.en) }
        return code.replacingOccurrences(of: "_", with: " ")
    }

    /// The heading of one stratum variable's block: "Alle deelnames", "Naar soort groep".
    package func stratumHeading(_ variable: String) -> String {
        variable == "all" ? pick("Alle deelnames", "All entries") : pick("Naar ", "By ") + label(variable)
    }

    /// A stratum value as shown: `all` and the role codes in words, other values (group types,
    /// organisations, years) as delivered.
    package func value(_ variable: String, _ value: String) -> String {
        if value == "all" || variable == "role" || variable == "band" { return label(value) }
        return value
    }

    /// The plural of a role, for "Jongeren (N=55)".
    package func rolePlural(_ role: String) -> String {
        switch role {
        case "jongere": return pick("Jongeren", "Young people")
        case "opvoeder": return pick("Opvoeders", "Parents and carers")
        default: return label(role)
        }
    }

    /// The reason of an attrition step (written in English by the cohort builder) in words.
    package func attritionReason(_ reason: String) -> String {
        guard language == .nl else { return reason }
        let fixed: [String: String] = [
            "registration episodes started on or before the cut-off": "groepsdeelnames begonnen op of vóór de peildatum",
            "has an end date (not still participating)": "heeft een einddatum (doet niet meer mee)",
            "has a start date": "heeft een startdatum",
            "index date on or before the cut-off": "indexdatum op of vóór de peildatum",
            "first qualifying episode per person": "eerste deelname per persoon die meetelt",
            "not in individual care at index": "geen individuele jeugdhulp op de indexdatum",
        ]
        if let words = fixed[reason] { return words }
        func number(after prefix: String) -> String? {
            guard reason.hasPrefix(prefix) else { return nil }
            return String(reason.dropFirst(prefix.count).prefix { $0.isNumber })
        }
        if reason.hasPrefix("role is one of ") {
            return "rol is " + list(reason.dropFirst("role is one of ".count).components(separatedBy: ", ")).replacingOccurrences(of: " en ", with: " of ")
        }
        if let n = number(after: "outcome observable (caregiver has a linked child under ") {
            return "uitkomst te volgen (een opvoeder heeft een gekoppeld kind jonger dan \(n) op de indexdatum)"
        }
        if let n = number(after: "not aged out (under ") { return "niet te oud (jonger dan \(n) op de indexdatum)" }
        if let n = number(after: "no individual care in the ") { return "geen individuele jeugdhulp in de \(n) dagen vóór de indexdatum" }
        return reason
    }

    // MARK: - Page and heading

    package func pageTitle(_ name: String, _ asOf: Day) -> String { pick("Uitstroomrapportage", "Outflow report") + " \(name) \(date(asOf))" }
    package func h1(_ name: String) -> String { pick("Uitstroom naar individuele jeugdhulp: ", "Outflow report: ") + name }

    /// The line under the title: cut-off date, run, time, version (HTML).
    package func leadLine(_ facts: RunFacts) -> String {
        pick("Peildatum", "Cut-off date") + " <b>\(date(facts.asOf))</b> · run \(HTML.escape(facts.runId)) · "
            + pick("gemaakt op", "generated") + " \(HTML.escape(timestamp(facts.generatedAt))) · outflow \(HTML.escape(facts.version))"
    }

    // MARK: - Protection

    package func unprotectedBanner(k: Int, b: Int) -> String {
        pick("<b>ONBESCHERMD</b>: de bescherming van de cijfers staat uit (minCell = \(k), roundTo = \(b)). Dit zijn exacte aantallen voor intern werk op een afgesloten computer; publiceer deze pagina nooit.",
             "<b>UNPROTECTED</b>: disclosure control is off (minCell = \(k), roundTo = \(b)). These are true counts for internal work on a closed machine; never publish this page.")
    }

    package var unprotectedNote: String {
        pick("Alle aantallen op deze pagina zijn exacte aantallen: niets is beschermd.",
             "All counts on this page are true counts: nothing is protected.")
    }

    /// The opening note on protection, in plain words (HTML).
    package func protectionNote(k: Int, b: Int) -> String {
        let first = k - k / 2, second = 2 * k - k / 2
        return pick(
            "<b>Hoe de cijfers beschermd zijn.</b> Geen getal op deze pagina is een exact aantal personen, en geen getal is te achterhalen door het ene gepubliceerde getal van het andere af te trekken. "
                + "In de uitstroomcijfers (curves, vaste momenten, tempo, uitstroom naar antwoord) zijn de groepsgrootte en de lopende totalen van wie hulp kreeg en van wie niet verder gevolgd werd elk vervangen door het midden van hun blok van \(k): 1 tot en met \(k) wordt \(first), \(k + 1) tot en met \(2 * k) wordt \(second), enzovoort; de curves en hun intervallen zijn daarna uit die beschermde totalen berekend, zodat elke stap van een curve op ten minste \(k) personen met hulp berust. "
                + "In de andere tabellen (wie in het cohort zitten, vóór en na, vragenlijst, respons, blijvend contact) worden aantallen onder \(k) niet getoond (<b>&lt;\(k)</b>) en zijn de andere afgerond op een veelvoud van \(b); percentages zijn berekend uit de getoonde, afgeronde aantallen. "
                + "Een cel met <b>verborgen</b> is weggelaten zodat een klein aantal elders niet uit te rekenen is. De cijfers kunnen daardoor iets afwijken van de werkelijke; de databeheerders hebben de exacte tabellen.",
            "<b>How the numbers are protected.</b> No number on this page is a true count of people, and none can be found by subtracting one published number from another. "
                + "In the outflow figures (curves, horizons, rates, outflow by answer) the group size and the running totals of events and of ended follow-up are each replaced by the middle of their block of \(k): 1 to \(k) becomes \(first), \(k + 1) to \(2 * k) becomes \(second), and so on; the curves and their intervals are then computed from those protected totals, so every step of a curve holds at least \(k) events. "
                + "In the other tables (cohort flow, before and after, questionnaire, response, persistence) counts under \(k) are not shown (<b>&lt;\(k)</b>) and the others are rounded to a multiple of \(b); percentages are computed from the rounded counts shown. "
                + "A cell marked <b>withheld</b> is hidden so that a small number elsewhere cannot be worked out. Figures may therefore differ slightly from the true ones; stewards hold the exact tables.")
    }

    /// What a withheld cell shows.
    package var withheld: String { pick("verborgen", "withheld") }

    /// The legend line under a table: what its blank cells mean. `small` when the table can
    /// hold `<k` cells, `withheld` when it can hold withheld cells, `dash` the meaning of "–".
    package func legend(k: Int, small: Bool = true, withheld: Bool = true, dash: String? = nil, extra: String? = nil) -> String {
        var parts: [String] = []
        parts.append("–: " + (dash ?? pick("niet te schatten of niet van toepassing", "not estimable or not applicable")))
        if small { parts.append("&lt;\(k): " + pick("minder dan \(k), niet getoond", "fewer than \(k), not shown")) }
        if withheld {
            parts.append("<i>\(self.withheld)</i>: " + pick("weggelaten zodat een klein aantal elders niet uit te rekenen is",
                                                            "hidden so that a small number elsewhere cannot be worked out"))
        }
        if let extra { parts.append(extra) }
        return "<p class=\"legend\">" + parts.joined(separator: "; ") + ".</p>"
    }

    // MARK: - In short

    package var inShortTitle: String { pick("In het kort", "In short") }

    /// The cohort size: entries of the published `all` row.
    package func inShortCohort(entries: String, asOf: Day) -> String {
        pick("Het cohort telt \(entries) deelnames aan een groep, met gegevens tot de peildatum \(date(asOf)).",
             "The cohort holds \(entries) entries into a group, with data up to the cut-off date \(date(asOf)).")
    }

    /// The leading figure: the share that received care before the age limit by a horizon.
    package func inShortCare(share: String, low: String, high: String, days: Int, ageLimit: String, method: String) -> String {
        let when = days == 365 ? pick("binnen een jaar", "within a year") : pick("binnen \(days) dagen", "within \(days) days")
        return pick("\(share.capitalizedFirst) van hen kreeg \(when) na de indexdatum een eerste besluit voor individuele jeugdhulp, vóór de leeftijd van \(ageLimit) (voor de jongere zelf of, bij een opvoeder, voor een kind). "
                        + "Met 95% zekerheid ligt het werkelijke aandeel tussen \(low) en \(high) (\(method)).",
                    "\(share) of them received a first decision for individual youth care \(when) of the index date, before the age of \(ageLimit) (for the young person, or for a caregiver's child). "
                        + "The true share lies between \(low) and \(high) with 95% confidence (\(method)).")
    }

    /// The response of the first wave, e.g. "47,8% van de jongeren en 50,0% van de opvoeders".
    package func inShortResponse(wave: String, parts: [String]) -> String {
        pick("Op de vragenlijst van meting \(wave) antwoordde \(list(parts)) die hem konden invullen.",
             "In wave \(wave) of the questionnaire, \(list(parts)) who could answer it responded.")
    }

    package func responsePart(rate: String, role: String) -> String {
        let group = role == "jongere" ? pick("de jongeren", "the young people") : role == "opvoeder" ? pick("de opvoeders", "the parents and carers") : label(role)
        return pick("\(rate) van \(group)", "\(rate) of \(group)")
    }

    // MARK: - Outflow

    package func outflowNote(ageLimit: String) -> String {
        pick("De uitstroomcijfers geven het aandeel deelnames met een eerste besluit voor individuele jeugdhulp binnen <i>t</i> dagen na de indexdatum. "
                + "Het hoofdcijfer is het aandeel dat die hulp kreeg vóór de leeftijd van \(ageLimit) (Aalen-Johansen, met 95%-betrouwbaarheidsinterval): wie \(ageLimit) wordt of overlijdt, kan daarna geen jeugdhulp onder de Jeugdwet meer krijgen en telt vanaf dan als ‘concurrerende gebeurtenis’. "
                + "Kaplan-Meier, ernaast getoond, telt die deelnames vanaf dat moment als niet verder gevolgd; het schat daarmee het aandeel dat hulp zou krijgen als niemand \(ageLimit) werd, en is nooit lager. "
                + "Wie om een andere reden niet verder te volgen is, bijvoorbeeld omdat de peildatum is bereikt, telt in beide als niet verder gevolgd.",
             "The outflow figures give the share of entries with a first decision for individual youth care within <i>t</i> days of the index date. "
                + "The leading figure is the share that received that care before the age of \(ageLimit) (Aalen-Johansen, with 95% confidence interval): reaching the age limit, or death, ends follow-up as a competing event, after which care under the Jeugdwet can no longer start. "
                + "Kaplan-Meier, shown beside it, treats those endings as ended follow-up, so it estimates the share that would need care if nobody aged out; it is never lower. "
                + "Other endings of follow-up, such as the cut-off date, count as ended follow-up in both.")
    }

    /// The cohort and outcome definition of a run, one (setting, value) line each.
    package func definitions(_ config: PipelineConfig, asOf: Day) -> [(String, String)] {
        let c = config.cohort, o = config.outcome, d = config.disclosure
        let categories = o.productCategoriesLabel.contains(",")
            ? pick("productcategorieën ", "product categories ") + o.productCategoriesLabel.replacingOccurrences(of: ",", with: ", ")
            : label(o.productCategoriesLabel)
        return [
            (pick("peildatum", "cut-off date (asOf)"), date(asOf)),
            (pick("indexdatum", "index date"), c.index == .end ? pick("einde van de groepsdeelname", "end of the group episode")
                                                               : pick("begin van de groepsdeelname", "start of the group episode")),
            (pick("deelnames", "episodes"), c.episodes == .first ? pick("de eerste deelname per persoon die meetelt", "first qualifying episode per person")
                                                                 : pick("elke deelname die meetelt", "every qualifying episode")),
            (pick("rollen", "roles"), list(c.roles.map { label($0.name) })),
            (pick("leeftijdsgrens", "age limit"), config.sources[.population] == nil
                ? pick("\(c.ageLimit) jaar (verjaardag gesteld op 1 juli van het geboortejaar)", "\(c.ageLimit) (birthday taken as 1 July of the birth year)")
                : pick("\(c.ageLimit) jaar (verjaardag op de eerste van de geboortemaand uit de BRP, anders 1 juli van het geboortejaar)",
                       "\(c.ageLimit) (birthday on the first of the birth month in the population register, else 1 July of the birth year)")),
            (pick("einde van de follow-up", "follow-up ends"),
             config.sources[.population] == nil
                ? pick("bij het eerste besluit, de peildatum of de leeftijdsgrens (een concurrerende gebeurtenis)",
                       "at the first decision, the cut-off, or the age limit (a competing event)")
                : pick("bij het eerste besluit, de peildatum, verhuizing uit de gemeente, overlijden of de leeftijdsgrens (die laatste twee zijn concurrerende gebeurtenissen)",
                       "at the first decision, the cut-off, moving out of the municipality, death (a competing event), or the age limit (a competing event)")),
            (pick("uitgesloten bij hulp op de indexdatum", "excluded when in care at index"), c.excludeInCareAtIndex ? pick("ja", "yes") : pick("nee", "no")),
            (pick("hulpvrije periode vóór de indexdatum", "clean window before index"),
             c.priorCareDays == 0 ? pick("geen", "off") : pick("\(c.priorCareDays) dagen", "\(c.priorCareDays) days")),
            (pick("uitkomst", "outcome"),
             pick("eerste besluit voor \(categories), op \(label(o.eventDate.rawValue)); ingetrokken besluiten (reden 13) tellen niet mee, een verlenging (reden 04) is nooit een nieuw besluit",
                  "first decision in \(categories), by \(label(o.eventDate.rawValue)); withdrawn (13) excluded, extensions (04) never an event")),
            (pick("vaste momenten", "horizons"), list(o.horizonsDays.map(String.init)) + pick(" dagen", " days")),
            (pick("vóór en na", "before/after window"),
             pick("\(o.beforeAfterWindowDays) dagen ervoor en erna; hulpgegevens vanaf \(date(o.historyFrom))",
                  "\(o.beforeAfterWindowDays) days; history from \(date(o.historyFrom))")),
            (pick("uitstroom naar antwoord", "outflow by answer"),
             pick("een landmarkanalyse vanaf \(o.byAnswerLandmarkDays) dagen na de indexdatum: antwoorden op vragenlijst 1 die toen binnen waren, deelnames die toen nog gevolgd werden, tijd geteld vanaf dat moment (landmark)",
                  "a landmark analysis from \(o.byAnswerLandmarkDays) days after the index date: wave-1 answers completed by then, entries still followed then, time counted from then")),
            (pick("bescherming", "disclosure control"),
             pick("k = \(d.minCell), b = \(d.roundTo): uitstroomaantallen als midden van blokken van k, tabelaantallen onder k niet getoond en de andere afgerond op een veelvoud van b; curves per \(d.curveGridDays) dagen zolang ten minste k deelnames in de risicogroep zitten",
                  "k = \(d.minCell), b = \(d.roundTo): survival counts as midpoints of blocks of k, table counts under k suppressed and the rest rounded to multiples of b; curves on a \(d.curveGridDays)-day grid while at least k are at risk")),
        ]
    }

    package var definitionsTitle: String { pick("Definities en leveringen", "Definitions and deliveries") }
    package var settingHeader: String { pick("onderdeel", "setting") }
    package var valueHeader: String { pick("waarde", "value") }
    package var sourceHeader: String { pick("bron", "source") }
    package var fileHeader: String { pick("bestand", "file") }
    package var statusHeader: String { pick("status", "status") }

    package var attritionTitle: String { pick("Wie zitten er in het cohort", "Who is in the cohort") }
    package func attritionCounts(entries: String, persons: String) -> String {
        pick("<b data-column=\"entries\">\(entries)</b> deelnames, <span data-column=\"persons\">\(persons)</span> personen",
             "<b data-column=\"entries\">\(entries)</b> entries, <span data-column=\"persons\">\(persons)</span> persons")
    }
    package func attritionExcluded(entries: String, persons: String) -> String {
        pick("uitgesloten: <span data-column=\"excluded_entries\">\(entries)</span> deelnames, <span data-column=\"excluded_persons\">\(persons)</span> personen",
             "excluded: <span data-column=\"excluded_entries\">\(entries)</span> entries, <span data-column=\"excluded_persons\">\(persons)</span> persons")
    }

    package var curvesTitle: String { pick("Uitstroomcurves", "Outflow curves") }
    package var curvesNone: String {
        pick("Er kan geen curve worden gepubliceerd: minder deelnames in de risicogroep dan de beschermingsgrens.",
             "No curve can be published: fewer entries are at risk than the disclosure threshold.")
    }
    package var curvesLead: String {
        pick("Dikke lijnen met band: het aandeel dat hulp kreeg (Aalen-Johansen, 95%-betrouwbaarheidsinterval). Dunne lijnen: Kaplan-Meier, waarin 18 worden en overlijden tellen als niet verder gevolgd.",
             "Thick lines with bands: the share that received care (Aalen-Johansen, 95% interval). Thin lines: Kaplan-Meier, with the age limit and death as ended follow-up.")
    }
    package func multiplesLead(_ count: Int) -> String {
        pick("\(count) groepen: één kleine grafiek per groep, alle met dezelfde assen. De grijze lijn is die van alle deelnames.",
             "\(count) values: one small chart per value, all on the same axes. The grey line is that of all entries.")
    }
    package var xAxis: String { pick("dagen na de indexdatum", "days since the index date") }
    package var yAxis: String { pick("aandeel met hulp", "share with care") }
    package var kaplanMeierLegend: String { pick("dunne lijnen: Kaplan-Meier", "thin lines: Kaplan-Meier") }
    package var allEntriesLegend: String { pick("grijs: alle deelnames", "grey: all entries") }
    package var atRiskTitle: String { pick("Aantal deelnames in de risicogroep", "Numbers at risk") }
    package var dayHeader: String { pick("dag", "day") }
    package func atRiskLegend(k: Int) -> String {
        pick("<p class=\"legend\">In de risicogroep: deelnames die nog gevolgd worden en nog geen hulp kregen, op de dagen van de as, uit het gepubliceerde curvepunt op of vlak vóór die dag. "
                + "–: de curve loopt niet tot die dag door, omdat daar minder dan \(k) deelnames in de risicogroep zaten.</p>",
             "<p class=\"legend\">At risk: entries still followed without care, on the days of the axis, from the published curve point on or just before that day. "
                + "–: the curve does not reach that day, as fewer than \(k) entries were at risk there.</p>")
    }

    package var horizonsTitle: String { pick("Uitstroom op vaste momenten", "Outflow at the horizons") }
    package func ajHeader(ageLimit: String) -> String {
        pick("hulp vóór \(ageLimit) (Aalen-Johansen)", "received care before \(ageLimit) (Aalen-Johansen)")
    }
    package var kmHeader: String { "Kaplan-Meier" }
    package var cumulativeHeader: String { pick("cumulatieve incidentie", "cumulative incidence") }
    package var ciNote: String { pick("tussen haakjes: het 95%-betrouwbaarheidsinterval", "in brackets: the 95% confidence interval") }

    package var ratesTitle: String { pick("Tempo van uitstroom per 100 persoonsjaren", "Rate of outflow per 100 person-years") }
    package var beforeAfterTitle: String { pick("Hulp in het jaar vóór en na de groep (exacte McNemar-toets)", "Care in the year before and after (exact McNemar test)") }
    package var beforeAfterCaveat: String {
        pick("<p class=\"caveat\"><b>Wat deze vergelijking niet kan laten zien:</b> of de groep het verschil veroorzaakt. Er is geen vergelijkingsgroep van gezinnen die niet aan een groep meededen, en wie zich in een moeilijke periode aanmeldt, heeft daarna vaak vanzelf minder of juist andere hulp nodig (regressie naar het gemiddelde). Een verschil tussen het jaar ervoor en het jaar erna is dus geen effect van de groep.</p>",
             "<p class=\"caveat\"><b>What this cannot show:</b> whether the group caused the difference. There is no comparison group of families who did not take part, and people who join in a difficult period often need less, or different, care afterwards anyway (regression to the mean). A difference between the year before and the year after is therefore not an effect of the group.</p>")
    }

    package var questionnaireTitle: String { pick("Ervaringwijzer: antwoorden per meting (percentages)", "Ervaringwijzer: answers per wave (percentages)") }
    package func waveHeading(_ wave: String) -> String { pick("Meting ", "Wave ") + wave }
    package var statementHeader: String { pick("stelling", "statement") }
    package var notAskedLegend: String {
        pick("stelling niet voorgelegd aan deze rol. Percentages van wie de stelling beantwoordde",
             "statement not asked of this role. Percentages of those who answered the statement")
    }
    package var responseTitle: String { pick("Respons op de vragenlijst", "Questionnaire response") }
    package var persistenceTitle: String { pick("Blijft het contact? Antwoorden in opeenvolgende metingen", "Does contact last? Answers in consecutive waves") }
    package func persistenceHeading(_ statement: String, from: String, to: String) -> String {
        "“\(statement)”: " + pick("meting \(from) → meting \(to)", "wave \(from) → wave \(to)")
    }
    package var fromToHeader: String { pick("van \\ naar", "from \\ to") }
    package var byAnswerTitle: String { pick("Uitstroom naar antwoord in meting 1", "Outflow by wave-1 answer") }
    package func byAnswerHeading(_ statement: String) -> String { pick("Naar antwoord op “\(statement)”", "By the answer to “\(statement)”") }
}

extension String {
    /// The text with its first letter in upper case ("13,5%" stays as it is).
    package var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
