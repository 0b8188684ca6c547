// Outflow by answer (methods.md section 9): the cohort's cumulative incidence at every
// horizon, stratified by the person's band on an item in wave 1, through the same
// estimator and disclosure gate as outflow.csv. Entries without a wave-1 answer form
// their own `no_answer` stratum so the strata still add up to the cohort.

import OutflowCore

/// Builds outflow_by_answer.csv.
public enum OutflowByAnswer {
    public static let noAnswer = "no_answer"

    public static func table(cohort: Cohort, responses: [Response], items: [String], questionnaire: QuestionnaireTables,
                             gate: CohortTables) -> PublishedTable {
        table(cohort: cohort, bands: waveOneBands(responses, items: items, questionnaire: questionnaire), gate: gate)
    }

    /// Each person's wave-1 band on each item, so the responses need not be kept for the table.
    public static func waveOneBands(_ responses: [Response], items: [String], questionnaire: QuestionnaireTables)
        -> [(item: String, bands: PersonBands)] {
        items.map { ($0, questionnaire.firstBands(responses, item: $0, wave: 1)) }
    }

    /// The unprotected measures per item and band, computed once for every gate.
    public static func measures(cohort: Cohort, bands byItem: [(item: String, bands: PersonBands)]) -> [StratumMeasures] {
        var measures: [StratumMeasures] = []
        for (item, bands) in byItem {
            let order = Instrument.Band.allCases.map(\.rawValue) + [noAnswer]
            // Entry positions per band; the entries themselves are not copied.
            var groups: [String: [Int32]] = [:]
            for (position, entry) in cohort.entries.enumerated() {
                groups[bands[entry.episode.personId]?.rawValue ?? noAnswer, default: []].append(Int32(position))
            }
            measures += order.compactMap { band -> StratumMeasures? in
                guard let positions = groups[band] else { return nil }
                let times = positions.lazy.map { cohort.entries[Int($0)].survivalTime }
                let days = times.reduce(0) { $0 + $1.days }
                return StratumMeasures(stratum: Stratum(variable: item, value: band), entries: positions.count,
                                       kaplanMeier: KaplanMeier(times),
                                       rate: PoissonRate(events: times.filter(\.isEvent).count, personYears: PoissonRate.personYears(fromDays: days)),
                                       totalDays: days, beforeAfter: nil)
            }
        }
        return measures
    }

    /// outflow_by_answer.csv through `gate`. Each item is a stratum variable of its own, so a
    /// small band is paired within its item.
    public static func table(_ measures: [StratumMeasures], gate: CohortTables) -> PublishedTable {
        gate.outflow(measures, name: "outflow_by_answer", keyColumns: ["item", "band"])
    }

    public static func table(cohort: Cohort, bands byItem: [(item: String, bands: PersonBands)], gate: CohortTables) -> PublishedTable {
        table(measures(cohort: cohort, bands: byItem), gate: gate)
    }
}
