// Outflow by answer (methods.md section 9): the cohort's cumulative incidence at every
// horizon, stratified by the person's band on an item in wave 1, through the same
// estimator and disclosure gate as outflow.csv. So that an answer never comes after the
// care it is meant to predict, it is a landmark analysis: from `L = index + landmarkDays`,
// only wave-1 answers completed on or before L count, entries whose follow-up ended before
// L are left out, and time is counted from L. Entries without a counted wave-1 answer form
// their own `no_answer` stratum, so the strata add up to the entries followed to L.

import OutflowCore

/// Builds outflow_by_answer.csv.
public enum OutflowByAnswer {
    public static let noAnswer = "no_answer"

    public static func table(cohort: Cohort, responses: [Response], items: [String], questionnaire: QuestionnaireTables,
                             landmarkDays: Int, gate: CohortTables) -> PublishedTable {
        table(measures(cohort: cohort, bands: waveOneBands(responses, items: items, questionnaire: questionnaire), landmarkDays: landmarkDays),
              gate: gate)
    }

    /// Each person's wave-1 band on each item (with the day it was answered), so the
    /// responses need not be kept for the table.
    public static func waveOneBands(_ responses: [Response], items: [String], questionnaire: QuestionnaireTables)
        -> [(item: String, bands: PersonBands)] {
        items.map { ($0, questionnaire.firstBands(responses, item: $0, wave: 1)) }
    }

    /// The unprotected measures per item and band from the landmark `index + landmarkDays`,
    /// computed once for every gate.
    public static func measures(cohort: Cohort, bands byItem: [(item: String, bands: PersonBands)], landmarkDays: Int) -> [StratumMeasures] {
        // Entries followed to the landmark: follow-up (to the event or any other ending) did
        // not end before it. Their time counts from the landmark.
        let followed = cohort.entries.indices.filter { cohort.entries[$0].time >= landmarkDays }
        // Each entry's time from the landmark once, not read through a copy of the entry per band.
        let fromLandmark = cohort.entries.map { SurvivalTime(days: $0.time - landmarkDays, ending: $0.ending) }
        func time(_ position: Int32) -> SurvivalTime { fromLandmark[Int(position)] }
        var measures: [StratumMeasures] = []
        for (item, bands) in byItem {
            let order = Instrument.Band.allCases.map(\.rawValue) + [noAnswer]
            // Entry positions per band; the entries themselves are not copied.
            var groups: [String: [Int32]] = [:]
            for position in followed {
                let person = cohort.entries[position].episode.personId, index = cohort.entries[position].index
                let counted = bands.completed(person).map { $0 <= index + landmarkDays } ?? false
                groups[counted ? bands[person]!.rawValue : noAnswer, default: []].append(Int32(position))
            }
            measures += order.compactMap { band -> StratumMeasures? in
                guard let positions = groups[band] else { return nil }
                let times = positions.lazy.map(time)
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

    public static func table(cohort: Cohort, bands byItem: [(item: String, bands: PersonBands)], landmarkDays: Int, gate: CohortTables) -> PublishedTable {
        table(measures(cohort: cohort, bands: byItem, landmarkDays: landmarkDays), gate: gate)
    }
}
