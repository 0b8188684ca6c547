// The steward's audit page layout: every table in a box that scrolls sideways inside the
// page, dates as 31-03-2025 on one line (also in free text, but never inside a file name),
// numbers right-aligned, a refused delivery's reason on a line of its own under its row, and
// columns empty in every row left out.

import Testing
import OutflowCore
import OutflowCSV
import OutflowAnalysis
import OutflowPublish
import OutflowTestSupport

struct AuditPageTests {
    static let facts = RunFacts(pipelineName: "test", runId: "20250401T020000Z", version: "0.1.0", asOf: Day(parsing: "2025-03-31")!,
                                generatedAt: "2025-04-01T02:00:00Z", definitions: [], inputs: [], minCell: 10, roundTo: 5)

    static func delivery(_ file: String, status: String, extraction: String, rows: Int, error: String) -> JSONValue {
        .object([("source", .string("registrations")), ("file", .string(file)), ("status", .string(status)),
                 ("extractionDate", .string(extraction)), ("loadedAt", .string("2025-04-01T02:00:07Z")), ("rowsRead", .int(rows)),
                 ("quarantinedByReason", .object(rows > 0 ? [("bad_date", .int(1)), ("field_count", .int(2))] : [])),
                 ("unknownColumns", .string("")), ("error", .string(error))])
    }

    static let audit = JSONValue.object([
        ("warnings", .array([.string("registraties_2025-04-30.csv was refused: the snapshot of 2025-03-31 is newer")])),
        ("asOf", .string("2025-03-31")),
        ("deliveries", .array([
            delivery("registraties_2025-03-31.csv", status: "loaded", extraction: "2025-03-31", rows: 657, error: ""),
            delivery("registraties_2025-04-30.csv", status: "rejected", extraction: "2025-04-30", rows: 0,
                     error: "registraties_2025-04-30.csv: row 1: column 'bsn' is a citizen number (BSN) column [citizen_number]"),
        ])),
    ])

    @Test func everyTableScrollsInsideThePageAndDatesStayOnOneLine() {
        let html = AuditPage.render(facts: Self.facts, audit: Self.audit)
        let tables = html.components(separatedBy: "<table").count - 1
        #expect(tables == 2)
        #expect(html.components(separatedBy: "<div class=\"scroll\"><table").count - 1 == tables)
        #expect(html.contains(".scroll{max-width:100%;overflow-x:auto") && html.contains(".nw,.date{white-space:nowrap}"))
        #expect(html.contains("overflow-wrap:break-word"))
        // Dates as DD-MM-YYYY, each on one line; a timestamp's date and time each on one line.
        #expect(html.contains("Cut-off date <b class=\"date\">31-03-2025</b>"))
        #expect(html.contains("<span class=\"date\">01-04-2025</span> <span class=\"date\">02:00:07</span>"))
        #expect(html.contains("<td><span class=\"date\">31-03-2025</span></td>") || html.contains("<td class=\"text\"><span class=\"date\">31-03-2025</span></td>"))
        #expect(!html.contains(">2025-03-31<"))
        // In free text a date reads 31-03-2025; a file name keeps its date and breaks only after `_`.
        #expect(html.contains("the snapshot of <span class=\"nw\">31-03-2025</span> is newer"))
        #expect(html.contains("<span class=\"nw\">registraties_</span><wbr><span class=\"nw\">2025-04-30.csv</span>"))
        // Counts by reason one per line, codes as they are.
        #expect(html.contains("<span class=\"nw\">bad_date: 1</span><br><span class=\"nw\">field_count: 2</span>"))
    }

    @Test func aListInAnyItemIsASubTableEvenWhenAnotherItemsListIsEmpty() {
        func rate(_ name: String, _ breakdown: [JSONValue]) -> JSONValue {
            .object([("name", .string(name)), ("linked", .int(3)), ("breakdown", .array(breakdown))])
        }
        let line = JSONValue.object([("dimension", .string("role")), ("value", .string("jongere")), ("linked", .int(3))])
        let html = AuditPage.render(facts: Self.facts, audit: .object([("matchRates", .array([rate("a", [line]), rate("b", [])]))]))
        #expect(!html.contains("<th class=\"text\">Breakdown</th>") && !html.contains("Dimension: role"))
        #expect(html.contains("a: Breakdown") && html.contains("<td>jongere</td>") || html.contains(">jongere</td>"))
    }

    @Test func theStewardsPageSpeaksTheReportsLanguage() {
        let dutch = AuditPage.render(facts: Self.facts, audit: Self.audit, language: .nl)
        for words in ["Koppelingsaudit: test", "Peildatum", "Waarschuwingen", "Leveringen", "Bestand", "Rijen gelezen", "Quarantaine per reden"] {
            #expect(dutch.contains(words), "\(words)")
        }
        #expect(!dutch.contains("Linkage audit") && !dutch.contains(">Rows read<"))
        let english = AuditPage.render(facts: Self.facts, audit: Self.audit)
        #expect(english.contains("Linkage audit: test") && english.contains("Rows read"))
    }

    @Test func aRefusedRowKeepsItsReasonOnALineOfItsOwn() {
        let html = AuditPage.render(facts: Self.facts, audit: Self.audit)
        // The error column is gone, as is the column empty in every row; numbers are right-aligned
        // (no class), text columns after the first left-aligned.
        #expect(html.contains("<th>Source</th><th class=\"text\">File</th><th class=\"text\">Status</th>"))
        #expect(html.contains("<th>Rows read</th>"))
        #expect(!html.contains(">Error<") && !html.contains(">Unknown columns<"))
        #expect(html.contains("<tr class=\"refused\"><td>registrations</td>"))
        #expect(html.contains("<td class=\"text status\">rejected</td>"))
        #expect(html.contains("<tr class=\"detail\"><td colspan=\"7\"><span class=\"nw\">registraties_</span><wbr><span class=\"nw\">2025-04-30.csv:</span> row 1: column &#39;bsn&#39;"))
        #expect(html.components(separatedBy: "<tr class=\"detail\">").count == 2)
    }
}
