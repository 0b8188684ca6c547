// A horizon on which most of a stratum ends: the protected parts (D*, M*, C*) can then add up
// to more than N*, and the row would publish a negative n_followed. Such a row is withheld.

import Testing
import OutflowCore
import OutflowAnalysis

struct HorizonPileUpTests {
    @Test func aHorizonWhereThePartsOutgrowTheWholeIsWithheld() throws {
        // 12 entries (N* = 15): one event on day 10, eleven censored on day 365 (C* = 15).
        let times = [SurvivalTime(days: 10, ending: .event)] + Array(repeating: SurvivalTime(days: 365, ending: .censored), count: 11)
        let measures = [StratumMeasures(stratum: .all, entries: 12, kaplanMeier: KaplanMeier(times),
                                        rate: PoissonRate(events: 1, personYears: 1), totalDays: 4025)]
        let gate = CohortTables(protection: DisclosureProtection(minCell: 10, roundTo: 5), horizons: [100, 365], gridDays: 30)
        let table = gate.outflow(measures)
        #expect(table.rows[0].prefix(7).map(\.csv) == ["all", "all", "100", "15", "10", "5", "0"])
        #expect(table.rows[1].dropFirst(3).allSatisfy { $0 == .withheld })
        try DisclosureProtection(minCell: 10, roundTo: 5).verify(table)
    }
}
