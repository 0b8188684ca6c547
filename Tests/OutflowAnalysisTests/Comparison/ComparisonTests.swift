// The comparison's pure parts by hand (docs/methods.md section 11): who is eligible as a
// control on a day, the draw in rank order without replacement, exposed children matched in
// order of index date, follow-up endings and their ties, standardised mean differences and
// the risk difference and ratio with their Wald intervals.

import Foundation
import Testing
import OutflowCore
import OutflowAnalysis

struct ComparisonTests {
    static let day = Day(year: 2024, month: 3, day: 1)!

    static func child(_ id: Int, year: Int = 2012, sex: String? = "V", district: String? = "Zuid") -> RegisteredChild {
        RegisteredChild(personId: id, birthYear: year, sex: sex, district: district)
    }

    /// Rank = the person id's bytes reversed, so the draw order is known: higher id first.
    static func rank(_ id: Int) -> UInt64 { UInt64(255 - id) }
    static func order(_ id: Int) -> [UInt8] { [UInt8(id)] }

    @Test func eligibilityOnTheDay() {
        let matcher = RiskSetMatcher(controlsPerEntry: 4, ageLimit: 18)
        let d = Self.day
        let care = PersonGroups<CareSpell>([(person: 5, value: CareSpell(start: d - 10, end: nil, eventDay: d - 10))])
        var moved = Self.child(1); moved.registeredUntil = d            // left on d: not registered on d
        var arrives = Self.child(2); arrives.registeredFrom = d + 1     // arrives after d
        var dead = Self.child(3); dead.died = d - 1
        let old = Self.child(4, year: 2006)                             // 18 on 1 July 2024: still under 18 on d
        let inCare = Self.child(5)
        let joined = Self.child(6)
        let fine = Self.child(7)
        let groups: [Int: Day] = [6: d]
        #expect(!matcher.isEligible(moved, on: d, care: care, firstGroupStart: groups))
        #expect(!matcher.isEligible(arrives, on: d, care: care, firstGroupStart: groups))
        #expect(!matcher.isEligible(dead, on: d, care: care, firstGroupStart: groups))
        #expect(matcher.isEligible(old, on: d, care: care, firstGroupStart: groups))
        #expect(!matcher.isEligible(old, on: Day(year: 2024, month: 7, day: 1)!, care: care, firstGroupStart: groups))
        #expect(!matcher.isEligible(inCare, on: d, care: care, firstGroupStart: groups))
        #expect(!matcher.isEligible(joined, on: d, care: care, firstGroupStart: groups))
        #expect(matcher.isEligible(joined, on: d - 1, care: care, firstGroupStart: groups))
        #expect(matcher.isEligible(fine, on: d, care: care, firstGroupStart: groups))
    }

    @Test func drawsInRankOrderWithoutReplacementAndCountsShortfalls() {
        let d = Self.day
        // Cell (2012, V, Zuid): candidates 10...15; 15 had care in the year before d.
        let population = (10...15).map { Self.child($0) } + [Self.child(20, sex: "M"), Self.child(1), Self.child(2), Self.child(3)]
        let care = PersonGroups<CareSpell>([(person: 15, value: CareSpell(start: d - 200, end: d - 100, eventDay: d - 200))])
        let exposed = [ExposedChild(child: Self.child(2), index: d, participantRole: "jongere", groupType: "a"),
                       ExposedChild(child: Self.child(1), index: d, participantRole: "jongere", groupType: "a"),
                       ExposedChild(child: Self.child(3), index: d + 1, participantRole: "kind van opvoeder", groupType: "b"),
                       ExposedChild(child: Self.child(30, sex: "X"), index: d, participantRole: "jongere", groupType: "a")]
        let groups: [Int: Day] = [1: d - 50, 2: d - 50, 3: d - 50]
        let result = RiskSetMatcher(controlsPerEntry: 2, ageLimit: 18)
            .match(exposed: exposed, population: population, care: care, firstGroupStart: groups, order: Self.order, rank: Self.rank)
        // Day d: child 1 first (pseudonym order), then 2; ranks put 15 first, but 15 had prior
        // care and they did not; then 14, 13, 12, 11. Day d + 1: child 3 gets 10 only.
        #expect(result.sets.map(\.exposed.child.personId) == [1, 2, 3])
        #expect(result.sets.map(\.controls) == [[14, 13], [12, 11], [10]])
        #expect(result.exposed == 4 && result.matched == 3 && result.unmatched == 1 && result.partlyMatched == 1)
    }

    @Test func followUpEndsAtTheFirstEndingAndAnEventOnThatDayCounts() {
        let rules = ChildFollowUp(asOf: Day(year: 2025, month: 3, day: 31)!, ageLimit: 18)
        let d = Self.day
        var child = Self.child(1)
        child.registeredUntil = d + 100
        let none = PersonGroups<CareSpell>()
        #expect(rules.follow(child, from: d, care: none, joinsGroup: nil) == ChildOutcome(days: 100, reason: .movedOut))
        #expect(rules.follow(child, from: d, care: none, joinsGroup: d + 40) == ChildOutcome(days: 40, reason: .becameParticipant))
        let care = PersonGroups<CareSpell>([(person: 1, value: CareSpell(start: d + 100, end: nil, eventDay: d + 100))])
        #expect(rules.follow(child, from: d, care: care, joinsGroup: nil) == ChildOutcome(days: 100, reason: .event))
        var dies = Self.child(2)
        dies.died = d + 7
        #expect(rules.follow(dies, from: d, care: none, joinsGroup: nil) == ChildOutcome(days: 7, reason: .died))
        // Moving out and death on one day: named in the order of methods.md section 5.
        dies.registeredUntil = d + 7
        #expect(rules.follow(dies, from: d, care: none, joinsGroup: nil) == ChildOutcome(days: 7, reason: .movedOut))
        #expect(ChildOutcome(days: 7, reason: .died).survivalTime.ending == .competing)
        // Born March 2007 with the month known: 18 on 1 March 2025, before the cut-off.
        var month = Self.child(3, year: 2007)
        month.birthMonth = 3
        #expect(rules.follow(month, from: d, care: none, joinsGroup: nil) == ChildOutcome(days: Day(year: 2025, month: 3, day: 1)! - d, reason: .ageLimit))
        #expect(rules.follow(Self.child(4), from: d, care: none, joinsGroup: nil) == ChildOutcome(days: Day(year: 2025, month: 3, day: 31)! - d, reason: .endOfData))
    }

    @Test func standardisedMeanDifferencesByHand() {
        // Shares 0.5 and 0.3: (0.2) / sqrt((0.25 + 0.21) / 2) = 0.2 / 0.479583 = 0.417029.
        #expect(abs(Balance.smd(share: 0.5, 0.3) - 0.417029) < 1e-6)
        #expect(Balance.smd(share: 0, 0) == 0)
        // Means 2 (1, 2, 3: variance 1) and 3 (2, 4: variance 2): -1 / sqrt(1.5) = -0.816497.
        #expect(abs(Balance.smd(means: [1, 2, 3], [2, 4]) + 0.816497) < 1e-6)
        let sex = Balance.shares("sex", exposed: ["M", "V", nil, "V"], comparison: ["V", "V"])
        #expect(sex.map(\.level) == ["(unknown)", "M", "V"])
        #expect(sex[2].exposed == 0.5 && sex[2].comparison == 1 && sex[2].flagged)
    }

    @Test func riskDifferenceAndRatioWithWaldIntervals() {
        let a = (cif: 0.20, variance: 0.0004), b = (cif: 0.25, variance: 0.0001)
        let d = RiskContrast.difference(a, b)
        // -0.05 ± 1.959964 * sqrt(0.0005) = -0.05 ± 0.043827.
        #expect(abs(d.estimate + 0.05) < 1e-12 && abs(d.low + 0.093827) < 1e-6 && abs(d.high + 0.006173) < 1e-6)
        let r = RiskContrast.ratio(a, b)!
        // log 0.8 = -0.223144; se = sqrt(0.0004/0.04 + 0.0001/0.0625) = sqrt(0.0116) = 0.107703.
        #expect(abs(r.estimate - 0.8) < 1e-12)
        #expect(abs(r.low - exp(-0.223144 - 1.959964 * 0.107703)) < 1e-5 && abs(r.high - exp(-0.223144 + 1.959964 * 0.107703)) < 1e-5)
        #expect(RiskContrast.ratio(a, (cif: 0, variance: 0)) == nil)
    }
}

struct ComparisonTablesTests {
    static func times(_ pairs: [(Int, Ending)]) -> [SurvivalTime] { pairs.map { SurvivalTime(days: $0.0, ending: $0.1) } }

    /// Exposed: events on days 2 and 5 of 4 entries (F(5) = 1 - 3/4 * 2/3 = 0.5); comparison:
    /// one event on day 3 of 4 (F(5) = 0.25). Difference 0.25, ratio 2. The exposed arm's
    /// variance at 5 (section 6b): first sum (0.5 - 0.25)^2 * 1/(4*3) + 0 = 0.005208, second
    /// 1 * 3/64 + 0.5625 * 2/27 = 0.088542, third (0.25 * 1/16 + 0) = 0.015625: 0.0625; the
    /// log(-log) interval is 0.0578 to 0.8449.
    @Test func armsDifferenceAndRatioFromTheArmsEstimates() throws {
        let gate = CohortTables(protection: .off, horizons: [5], gridDays: 5)
        let stratum = ComparisonStratum(stratum: .all, exposed: Self.times([(2, .event), (5, .event), (9, .censored), (9, .censored)]),
                                        comparison: Self.times([(3, .event), (9, .censored), (9, .censored), (9, .censored)]))
        let table = gate.comparison([stratum])
        let rows = table.rows.map { $0.map(\.csv) }
        #expect(rows[0].prefix(12) == ["all", "all", "5", "exposed", "4", "2", "2", "0", "0", "0.5000", "0.0578", "0.8449"])
        #expect(rows[1].prefix(10) == ["all", "all", "5", "comparison", "4", "3", "1", "0", "0", "0.2500"])
        #expect(rows[2][3] == "difference" && rows[2][9] == "0.2500")
        #expect(rows[3][3] == "ratio" && rows[3][9] == "2.0000")
        let aj = (AalenJohansen(tally: stratum.exposed), AalenJohansen(tally: stratum.comparison))
        let d = RiskContrast.difference((0.5, aj.0.variance(at: 5)), (0.25, aj.1.variance(at: 5)))
        #expect(rows[2][10] == Cell.fixed(d.low, 4) && rows[2][11] == Cell.fixed(d.high, 4))
        try gate.protection.verify(table)
    }

    @Test func aSmallArmWithholdsTheStratum() {
        let gate = CohortTables(protection: DisclosureProtection(minCell: 10, roundTo: 5), horizons: [5], gridDays: 5)
        let many = (0..<20).map { SurvivalTime(days: $0, isEvent: $0 % 4 == 0) }
        let strata = [ComparisonStratum(stratum: .all, exposed: many, comparison: many),
                      ComparisonStratum(stratum: Stratum(variable: "group_type", value: "a"), exposed: Array(many.prefix(5)), comparison: many),
                      ComparisonStratum(stratum: Stratum(variable: "group_type", value: "b"), exposed: many, comparison: many)]
        let table = gate.comparison(strata)
        #expect(table.rows.filter { $0[1] == .key("a") }.allSatisfy { $0.dropFirst(4).allSatisfy { $0 == .suppressed } })
        #expect(table.rows.filter { $0[1] == .key("b") }.allSatisfy { $0.dropFirst(4).allSatisfy { $0 == .withheld } })
        #expect(gate.comparisonCurve(strata).rows.allSatisfy { $0[0] == .key("all") })
    }

    @Test func balanceSharesComeFromRoundedCounts() {
        let gate = CohortTables(protection: DisclosureProtection(minCell: 10, roundTo: 5), horizons: [], gridDays: 30)
        func records(_ girls: Int, _ boys: Int) -> [BalanceRecord] {
            (0..<girls).map { _ in BalanceRecord(birthYear: 2012, ageAtIndex: 12, sex: "V", district: nil, priorCare: false, earlierDecisions: 0) }
                + (0..<boys).map { _ in BalanceRecord(birthYear: 2012, ageAtIndex: 12, sex: "M", district: nil, priorCare: false, earlierDecisions: 0) }
        }
        let matching = Matching(offered: [])
        let table = gate.balance(exposed: records(12, 13), comparison: records(48, 52), matching: matching, controlsPerEntry: 4)
        let sex = table.rows.filter { $0[0] == .key("sex") }
        // Exposed: 12 -> 10, 13 -> 15 of 25; comparison 48 -> 50, 52 -> 50 of 100.
        // SMD (0.6 - 0.5) / sqrt((0.24 + 0.25) / 2) = 0.1 / 0.494975 = 0.202.
        #expect(sex.map { $0.map(\.csv) } == [["sex", "M", "0.6000", "0.5000", "0.202", "1"], ["sex", "V", "0.4000", "0.5000", "-0.202", "1"]])
    }
}
