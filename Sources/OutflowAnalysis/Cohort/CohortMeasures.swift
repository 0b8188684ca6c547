// The raw measures of every stratum before disclosure control: the Kaplan-Meier estimate,
// person-time and events for the rate, and the before/after table (methods.md sections
// 6 to 8). Only the disclosure gate turns these into published tables.

import OutflowCore

/// Unprotected measures of one stratum.
public struct StratumMeasures: Sendable {
    public var stratum: Stratum
    public var entries: Int
    public var kaplanMeier: KaplanMeier
    public var rate: PoissonRate
    public var totalDays: Int
    /// The before/after table; nil for strata that have none (outflow by answer).
    public var beforeAfter: BeforeAfterTable?
    /// The exact per-day counts; the disclosure gate protects them before estimating.
    public var tally: SurvivalTally { kaplanMeier.tally }
    package init(stratum: Stratum, entries: Int, kaplanMeier: KaplanMeier, rate: PoissonRate, totalDays: Int, beforeAfter: BeforeAfterTable? = nil) {
        self.stratum = stratum
        self.entries = entries
        self.kaplanMeier = kaplanMeier
        self.rate = rate
        self.totalDays = totalDays
        self.beforeAfter = beforeAfter
    }
}

/// Computes the measures of all strata of a cohort.
public enum CohortMeasures {
    public static func compute(cohort: Cohort, care: PersonGroups<CareSpell>, config: PipelineConfig, asOf: Day) -> [StratumMeasures] {
        let rule = BeforeAfterRule(windowDays: config.outcome.beforeAfterWindowDays, historyFrom: config.outcome.historyFrom, asOf: asOf)
        let pairs = cohort.entries.map { rule.classify($0, care: care) }
        // Each entry's time once: reading it through the entry in every stratum would copy the
        // entry (and retain its texts) each time.
        let times = cohort.entries.map { $0.survivalTime }
        func measures(_ stratum: Stratum, _ positions: [Int32]) -> StratumMeasures {
            let stratumTimes = positions.lazy.map { times[Int($0)] }
            let totalDays = stratumTimes.reduce(0) { $0 + $1.days }
            let events = stratumTimes.filter(\.isEvent).count
            return StratumMeasures(stratum: stratum, entries: positions.count, kaplanMeier: KaplanMeier(stratumTimes),
                                   rate: PoissonRate(events: events, personYears: PoissonRate.personYears(fromDays: totalDays)),
                                   totalDays: totalDays, beforeAfter: BeforeAfterRule.table(positions.compactMap { pairs[Int($0)] }))
        }
        // Strata hold positions, not copies of the entries, one variable at a time.
        let positions = (0..<Int32(cohort.entries.count)).map { $0 }
        return [measures(.all, positions)] + config.cohort.strata.flatMap { variable in
            // Each entry's value once, read in place (not through a copy of the entry per position).
            let values = cohort.entries.map { cohort.stratumValue(of: $0, variable) }
            return Strata.blocks(positions, variable: variable) { position, _ in values[Int(position)] }.map(measures)
        }
    }
}
