// Everything a run folder holds besides the manifest: the analyst CSV files, report.html
// and report.xlsx rendered from the gated tables, the steward's audit.html and audit.json,
// and the restricted listings. Rendering only; every figure was computed and protected
// before it gets here.

import OutflowCore
import OutflowCSV
import OutflowAnalysis
import OutflowStorage
import OutflowPublish

/// The files of one run folder.
package struct Publication {
    package let config: PipelineConfig
    package let runId: String
    package let asOf: Day
    package let inputs: [FileOutcome]
    package let db: Database

    package var facts: RunFacts {
        RunFacts(pipelineName: config.name, runId: runId, version: Outflow.version, asOf: asOf, generatedAt: Clock.timestamp(),
                 definitions: definitions, inputs: inputs, minCell: config.disclosure.minCell, roundTo: config.disclosure.roundTo)
    }

    /// The cohort and outcome definition in words, for the page headings.
    package var definitions: [(String, String)] {
        let c = config.cohort, o = config.outcome
        return [
            ("cut-off date (asOf)", asOf.iso),
            ("index date", c.index == .end ? "end of the group episode" : "start of the group episode"),
            ("episodes", c.episodes == .first ? "first qualifying episode per person" : "every qualifying episode"),
            ("roles", c.roles.map(\.name).joined(separator: ", ")),
            ("age limit", config.sources[.population] == nil ? "\(c.ageLimit) (birthday taken as 1 July of the birth year)"
                : "\(c.ageLimit) (birthday on the first of the birth month in the population register, else 1 July of the birth year)"),
            ("follow-up ends", "at the first decision, the cut-off, "
                + (config.sources[.population] == nil ? "" : "moving out of the municipality, death (a competing event), ")
                + "or the age limit (a competing event)"),
            ("excluded when in care at index", c.excludeInCareAtIndex ? "yes" : "no"),
            ("clean window before index", c.priorCareDays == 0 ? "off" : "\(c.priorCareDays) days"),
            ("outcome", "first decision in \(o.productCategoriesLabel), by \(o.eventDate.rawValue); withdrawn (13) excluded, extensions (04) never an event"),
            ("horizons", o.horizonsDays.map { "\($0) days" }.joined(separator: ", ")),
            ("before/after window", "\(o.beforeAfterWindowDays) days; history from \(o.historyFrom.iso)"),
            ("outflow by answer", "a landmark analysis from \(o.byAnswerLandmarkDays) days after the index date: wave-1 answers completed by then, entries still followed then, time counted from then"),
            ("disclosure control", "k = \(config.disclosure.minCell), b = \(config.disclosure.roundTo): survival counts as midpoints of blocks of k, table counts under k suppressed and the rest rounded to multiples of b; curves on a \(config.disclosure.curveGridDays)-day grid while at least k are at risk"),
        ]
    }

    package func files(_ analysis: AnalysisOutput) throws -> [PublishedFile] {
        var files = analysis.tables.map { PublishedFile(name: $0.name + ".csv", content: $0.csv(config.csvDialect)) }
        if !analysis.tables.isEmpty {
            let byName = Dictionary(uniqueKeysWithValues: analysis.tables.map { ($0.name, $0) })
            files.append(PublishedFile(name: "report.html", content: ReportPage.render(facts: facts, tables: byName, instrument: config.instrument)))
            files.append(PublishedFile(name: "report.xlsx", bytes: try analysis.tables.xlsx()))
        }
        files += analysis.exactTables.map { PublishedFile(name: "exact/" + $0.name + ".csv", content: $0.csv(config.csvDialect), restricted: true) }
        if let audit = analysis.audit {
            // The audit holds unprotected breakdowns: a steward output, never beside the analyst files.
            files.append(PublishedFile(name: "audit.json", content: audit.json.encoded(), restricted: true))
            files.append(PublishedFile(name: "audit.html", content: AuditPage.render(facts: facts, audit: audit.json), restricted: true))
            files += audit.restricted
        }
        files.append(PublishedFile(name: "quarantine.csv", content: try QuarantineExport.csv(db: db), restricted: true))
        return files
    }
}
