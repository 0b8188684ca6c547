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
    /// Refused deliveries no corrected file has answered: both pages say so at the top.
    package var refusals: [RefusalNotice] = []

    package var facts: RunFacts {
        var facts = RunFacts(pipelineName: config.name, runId: runId, version: Outflow.version, asOf: asOf, generatedAt: Clock.timestamp(),
                             definitions: definitions, inputs: inputs, minCell: config.disclosure.minCell, roundTo: config.disclosure.roundTo,
                             ageLimit: config.cohort.ageLimit)
        facts.refusals = refusals
        return facts
    }

    /// The words of report.html, in the pipeline's `report.language`.
    package var text: ReportText { ReportText(config.report.language) }

    /// The cohort and outcome definition in words, for the page headings.
    package var definitions: [(String, String)] { text.definitions(config, asOf: asOf) }

    package func files(_ analysis: AnalysisOutput) throws -> [PublishedFile] {
        var files = analysis.tables.map { PublishedFile(name: $0.name + ".csv", content: $0.csv(config.csvDialect)) }
        if !analysis.tables.isEmpty {
            let byName = Dictionary(uniqueKeysWithValues: analysis.tables.map { ($0.name, $0) })
            files.append(PublishedFile(name: "report.html", content: ReportPage.render(facts: facts, tables: byName, instrument: config.instrument, text: text)))
            files.append(PublishedFile(name: "report.xlsx", bytes: try analysis.tables.xlsx()))
        }
        if let sets = analysis.matchedSets { files.append(PublishedFile(name: "matched_sets.csv", chunks: { try sets.write($0) }, restricted: true)) }
        files += analysis.exactTables.map { PublishedFile(name: "exact/" + $0.name + ".csv", content: $0.csv(config.csvDialect), restricted: true) }
        if let audit = analysis.audit {
            // The audit holds unprotected breakdowns: a steward output, never beside the analyst files.
            files.append(PublishedFile(name: "audit.json", content: audit.json.encoded(), restricted: true))
            files.append(PublishedFile(name: "audit.html", content: AuditPage.render(facts: facts, audit: audit.json, language: config.report.language), restricted: true))
            files += audit.restricted
        }
        files.append(PublishedFile(name: "quarantine.csv", content: try QuarantineExport.csv(db: db), restricted: true))
        return files
    }
}
