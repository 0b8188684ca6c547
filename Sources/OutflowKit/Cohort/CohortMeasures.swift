// The raw measures of every stratum before disclosure control: the Kaplan-Meier estimate,
// person-time and events for the rate, and the before/after table (methods.md sections
// 6 to 8). Only the disclosure gate turns these into published tables.

/// Unprotected measures of one stratum.
public struct StratumMeasures: Sendable {
    public var stratum: Stratum
    public var entries: Int
    public var kaplanMeier: KaplanMeier
    public var rate: PoissonRate
    public var totalDays: Int
    public var beforeAfter: BeforeAfterTable
}

/// Computes the measures of all strata of a cohort.
public enum CohortMeasures {
    public static func compute(cohort: Cohort, care: [Int: [CareSpell]], config: PipelineConfig, asOf: Day) -> [StratumMeasures] {
        let rule = BeforeAfterRule(windowDays: config.outcome.beforeAfterWindowDays, historyFrom: config.outcome.historyFrom, asOf: asOf)
        let pairs = cohort.entries.map { rule.classify($0, care: care) }
        let indexed = Array(zip(cohort.entries, pairs))
        return Strata.split(indexed, variables: config.cohort.strata) { $0.0.stratumValue($1) }.map { stratum, items in
            let totalDays = items.reduce(0) { $0 + $1.0.time }
            let events = items.filter { $0.0.isEvent }.count
            return StratumMeasures(stratum: stratum, entries: items.count,
                                   kaplanMeier: KaplanMeier(items.map { $0.0.survivalTime }),
                                   rate: PoissonRate(events: events, personYears: PoissonRate.personYears(fromDays: totalDays)),
                                   totalDays: totalDays,
                                   beforeAfter: BeforeAfterRule.table(items.compactMap { $0.1 }))
        }
    }
}
