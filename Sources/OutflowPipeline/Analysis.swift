// The stages after ingest, all read from the database so `outflow report` can rerun them
// without the inbox: link (inputs in force at the cut-off), cohort (attrition and
// follow-up, written to the mart tables), measures (estimates per stratum through the
// disclosure gate), questionnaire, audit. The questionnaire runs before the cohort so its
// responses are gone before the cohort's entries are built. The audit only reads, so it
// runs on a second thread with its own connection while the questionnaire, cohort and
// measures stages run; the cohort's mart tables are written on a third (stage `mart`)
// while measures are computed.
// Returns the files to publish.

import Foundation
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowAnalysis
import OutflowPublish

/// What the analysis stages hand to publishing.
package struct AnalysisOutput {
    /// Analyst tables, each already through the disclosure gate.
    package var tables: [PublishedTable] = []
    /// The same tables with true counts, for `restricted/exact/`.
    package var exactTables: [PublishedTable] = []
    /// `restricted/matched_sets.csv` when the comparison ran.
    package var matchedSets: MatchedSetsFile?
    package var audit: LinkageAudit.Result?
    /// The `entry_id`s of the cohort's rows in `mart_cohort_entry` (nil when none were written).
    package var martEntries: ClosedRange<Int>?
}

/// Runs the analysis stages for one cut-off date.
package struct Analysis {
    package let db: Database
    package let config: PipelineConfig
    package let asOf: Day
    package let runId: String

    package func run(stages: inout StageRunner, analyst: Bool) throws -> AnalysisOutput {
        var output = AnalysisOutput()
        // The analysis reads tables front to back: a small page cache per connection does.
        try db.useScanCache()
        try releaseFreeMemory()
        let linked = try stages.run("link", rows: { $0.inputs.episodes.count }) {
            try LinkedSources.load(db: db, config: config, asOf: asOf)
        }
        let inputs = linked.inputs
        let audit = Background { [path = db.path, access = db.access, config, asOf, runId] in
            try LinkageAudit(db: try Database.companion(path: path, access: access), config: config, asOf: asOf).compute(linked: linked, runId: runId)
        }
        // Every table is built twice through the same code: protected for analysts, and with
        // protection off for the stewards' exact copy (restricted/exact/).
        let protection = DisclosureProtection(minCell: config.disclosure.minCell, roundTo: config.disclosure.roundTo)
        let gates = [protection, .off].map {
            CohortTables(protection: $0, horizons: config.outcome.horizonsDays, gridDays: config.disclosure.curveGridDays)
        }
        if analyst {
            // The questionnaire goes first: its responses are freed before the cohort is built,
            // keeping only each person's wave-1 band on the outflow-by-answer items.
            var questionnaireTables: [[PublishedTable]] = [[], []]
            var waveOneBands: [(item: String, bands: PersonBands)]?
            if let instrument = config.instrument {
                questionnaireTables = try stages.run("questionnaire", rows: { $0[0].reduce(0) { $0 + $1.rows.count } }) { () -> [[PublishedTable]] in
                    let responses = try QuestionnaireData.load(db: db, instrument: instrument, asOf: asOf)
                    let questionnaire = QuestionnaireTables(instrument: instrument, waves: config.waves, protection: protection)
                    waveOneBands = OutflowByAnswer.waveOneBands(responses, items: config.outcome.byAnswer, questionnaire: questionnaire)
                    return questionnaire.tables(responses, episodes: inputs.episodes, index: config.cohort.index, asOf: asOf,
                                                gates: gates.map(\.protection))
                }
            }
            try releaseFreeMemory()
            let cohort = try stages.run("cohort", rows: { $0.entries.count }) {
                CohortBuilder(cohort: config.cohort, asOf: asOf).build(inputs)
            }
            try releaseFreeMemory()
            // The mart is written through a connection of its own while the measures are computed.
            let mart = Background { [path = db.path, access = db.access, runId, asOf] in
                try CohortMart(db: try Database.companion(path: path, access: access)).write(cohort, runId: runId, asOf: asOf)
            }
            defer { _ = try? mart.wait() }
            let built = try stages.run("measures", rows: { $0[0].reduce(0) { $0 + $1.rows.count } }) { () -> [[PublishedTable]] in
                let measures = CohortMeasures.compute(cohort: cohort, care: inputs.care, config: config, asOf: asOf)
                let byAnswer = waveOneBands.map { OutflowByAnswer.measures(cohort: cohort, bands: $0, landmarkDays: config.outcome.byAnswerLandmarkDays) }
                return gates.map { gate in
                    [gate.attrition(cohort.attrition), gate.outflow(measures), gate.curve(measures),
                     gate.rates(measures), gate.beforeAfter(measures)]
                        + (byAnswer.map { [OutflowByAnswer.table($0, gate: gate)] } ?? [])
                }
            }
            output.tables = built[0] + questionnaireTables[0]
            output.exactTables = built[1] + questionnaireTables[1]
            if config.comparison.enabled, inputs.residents.count > 0 {
                let comparison = try stages.run("comparison", rows: { $0.matching.matched }) {
                    try ComparisonStage(config: config, asOf: asOf, db: db)
                        .run(cohort: cohort, inputs: inputs, gates: gates)
                }
                output.tables += comparison.tables[0]
                output.exactTables += comparison.tables[1]
                output.matchedSets = comparison.matchedSets
            }
            for table in output.tables { try protection.verify(table) }
            output.martEntries = try stages.join("mart", mart, rows: { $0?.count ?? 0 })
        }
        let result = try stages.join("audit", audit, rows: { $0.matchRates.reduce(0) { $0 + $1.total } })
        try LinkageAudit.record(result.matchRates, runId: runId, db: db)
        output.audit = result
        return output
    }
}

extension Analysis {
    /// Hands memory nobody uses back to the system: SQLite's page cache beyond what is in use
    /// (`shrink_memory`; lowering `cache_size` alone keeps the load's 32 MiB of pages) and
    /// what the C library holds of freed allocations (`malloc_trim`). Called when a stage has
    /// just let go of a lot (the load's indexes, the questionnaire's responses, the cohort's
    /// candidates), so the next stage's peak does not come on top of it: 1M persons peaked at
    /// 322 MiB without it.
    package func releaseFreeMemory() throws {
        try db.shrinkMemory()
        MemoryTuning.releaseFreeMemory()
    }
}

/// Adds the cohort of a run or report to `mart_cohort_entry` and `mart_attrition`, under its
/// run id and cut-off (the job prunes the rows of older jobs once it has published).
package struct CohortMart {
    package let db: Database

    /// Returns the `entry_id`s the rows took.
    package func write(_ cohort: Cohort, runId: String, asOf: Day) throws -> ClosedRange<Int>? {
        // The million entries are handed over one by one as rows, not copied into rows first.
        try cohort.entries.withUnsafeBufferPointer { entries in
            try CohortMartStore(db: db).add(runId: runId, asOf: asOf, count: entries.count, entry: { i in
                let e = entries[i]
                return CohortMartStore.Entry(personId: e.episode.personId, role: e.episode.role, groupId: e.episode.groupId,
                                             groupType: e.episode.groupType, organisation: e.episode.organisation, district: cohort.district(of: e),
                                             indexDay: e.index, indexYear: e.indexYear, subjectCount: e.subjects.count, followUpEnd: e.followUpEnd,
                                             timeDays: e.time, eventDay: e.eventDay, censorReason: e.censorReason?.rawValue)
            }, attrition: cohort.attrition)
        }
    }
}
