// Disclosure control (methods.md section 10): small counts suppressed, whole Kaplan-Meier
// rows withheld, curves only while enough are at risk, secondary suppression, zero shown.

import Testing
import OutflowCore
import OutflowAnalysis
import OutflowTestSupport

struct DisclosureTests {
    static func times(_ events: [Int], _ censored: [Int]) -> [SurvivalTime] {
        events.map { SurvivalTime(days: $0, isEvent: true) } + censored.map { SurvivalTime(days: $0, isEvent: false) }
    }

    static func measures(_ stratum: Stratum, _ times: [SurvivalTime]) -> StratumMeasures {
        let days = times.reduce(0) { $0 + $1.days }
        return StratumMeasures(stratum: stratum, entries: times.count, kaplanMeier: KaplanMeier(times),
                               rate: PoissonRate(events: times.filter(\.isEvent).count, personYears: PoissonRate.personYears(fromDays: days)),
                               totalDays: days, beforeAfter: BeforeAfterTable(yesYes: 0, yesNo: 0, noYes: 0, noNo: times.count))
    }

    @Test func roundsHalfAwayFromZero() {
        #expect(Cell.fixed(12.25, 1) == "12.3")
        #expect(Cell.fixed(0.15, 1) == "0.2")
        #expect(Cell.fixed(-0.04, 1) == "0.0")
        #expect(Cell.fixed(0.123449, 4) == "0.1234")
        #expect(Cell.fixed(7, 0) == "7")
    }

    @Test func suppressesSmallCountsButPublishesZero() {
        let rule = SuppressionRule(minCell: 10)
        #expect(rule.count(0) == .count(0))
        #expect(rule.count(1) == .suppressed && rule.count(9) == .suppressed)
        #expect(rule.count(10) == .count(10))
    }

    @Test func withholdsWholeKaplanMeierRows() {
        // 30 entries: 5 events at day 10, 25 censored at day 400.
        let m = Self.measures(.all, Self.times(Array(repeating: 10, count: 5), Array(repeating: 400, count: 25)))
        let table = CohortTables(minCell: 10, horizons: [5, 91], gridDays: 30).outflow([m])
        #expect(table.rows[0].map(\.csv) == ["all", "all", "5", "30", "30", "0", "0", "0.0000", "0.0000", "0.0000"])
        // At day 91 the 5 events are a small count: everything but the keys goes.
        #expect(table.rows[1] == [.key("all"), .key("all"), .key("91"), .withheld, .withheld, .suppressed, .withheld,
                                  .withheld, .withheld, .withheld])
        #expect(table.csv().split(separator: "\n")[2] == "all,all,91,,,,,,,,1")
    }

    @Test func secondarySuppressionProtectsTheLoneSuppressedStratum() {
        let a = Self.measures(Stratum(variable: "role", value: "jongere"), Self.times([], Array(repeating: 100, count: 5)))
        let b = Self.measures(Stratum(variable: "role", value: "opvoeder"), Self.times([], Array(repeating: 100, count: 40)))
        let c = Self.measures(Stratum(variable: "group_type", value: "x"), Self.times([], Array(repeating: 100, count: 20)))
        let d = Self.measures(Stratum(variable: "group_type", value: "y"), Self.times([], Array(repeating: 100, count: 25)))
        let all = Self.measures(.all, Self.times([], Array(repeating: 100, count: 45)))
        let table = CohortTables(minCell: 10, horizons: [50], gridDays: 30).rates([all, a, b, c, d])
        let flags = table.rows.map { $0.contains(where: \.isSuppressed) }
        #expect(flags == [false, true, true, false, false])
    }

    @Test func curveStopsWhenFewerThanKAreAtRisk() {
        // 12 entries censored at 0, 30, ..., 330: at risk 12 at t=0 down to 10 at t=60, 9 at t=90.
        let m = Self.measures(.all, Self.times([], (0..<12).map { $0 * 30 }))
        let table = CohortTables(minCell: 10, horizons: [], gridDays: 30).curve([m])
        #expect(table.rows.map { $0[2].csv } == ["0", "30", "60"])
        #expect(table.rows.map { $0[3].csv } == ["12", "11", "10"])
    }

    @Test func gateRefusesATableWithASmallCount() {
        let table = PublishedTable(name: "t", columns: ["n"], rows: [[.count(3)]])
        #expect(throws: OutflowError.self) { try SuppressionRule(minCell: 10).verify(table) }
    }

    @Test func questionnaireSharesRoundHalfAwayFromZeroExactly() {
        #expect(QuestionnaireTables.percent(1, of: 8) == 12.5)
        #expect(QuestionnaireTables.percent(3, of: 2000) == 0.2)     // 0.15 exactly: away from zero
        #expect(QuestionnaireTables.percent(1, of: 9) == 11.1)
        #expect(QuestionnaireTables.percent(5, of: 9) == 55.6)      // the seed's Table 1 prints 55,5 (truncated)
        #expect(QuestionnaireTables.percent(2, of: 3) == 66.7)
    }
}

extension DisclosureTests {
    @Test func smallExclusionCannotBeRecoveredFromTheFlow() {
        func step(_ n: Int, _ entries: Int, _ excluded: Int) -> AttritionStep {
            AttritionStep(step: n, reason: "s\(n)", entries: entries, persons: entries, excludedEntries: excluded, excludedPersons: excluded)
        }
        // 517 -> 513 (4 excluded, small) -> 476 (37 excluded).
        let table = CohortTables(minCell: 10, horizons: [], gridDays: 30)
            .attrition([step(1, 517, 0), step(2, 513, 4), step(3, 476, 37)])
        #expect(table.rows.map { $0[2].csv } == ["517", "", "476"])
        #expect(table.rows.map { $0[4].csv } == ["0", "", ""])
        #expect(table.rows.map { $0[5].csv } == ["0", "", ""])
    }
}
