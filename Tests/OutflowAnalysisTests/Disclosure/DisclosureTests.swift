// Disclosure control (docs/methods.md section 10), by hand: block midpoints and rounding,
// the protected tally of the ten-entry worked example with k = 2, the estimator on it, the
// gate's rows (published only while enough are protectedly at risk), small strata and their
// partners, tables from rounded counts, and the verifier that stops a run.

import Testing
import OutflowCore
import OutflowAnalysis
import OutflowTestSupport

struct DisclosureTests {
    /// methods.md section 6: `T = 0*, 3*, 3, 5*, 5*, 5, 8, 10*, 12, 12*`.
    static let example: [SurvivalTime] = [(0, true), (3, true), (3, false), (5, true), (5, true), (5, false), (8, false),
                                          (10, true), (12, false), (12, true)].map { SurvivalTime(days: $0.0, isEvent: $0.1) }

    static func measures(_ stratum: Stratum, _ times: [SurvivalTime], beforeAfter: BeforeAfterTable? = nil) -> StratumMeasures {
        let days = times.reduce(0) { $0 + $1.days }
        return StratumMeasures(stratum: stratum, entries: times.count, kaplanMeier: KaplanMeier(times),
                               rate: PoissonRate(events: times.filter(\.isEvent).count, personYears: PoissonRate.personYears(fromDays: days)),
                               totalDays: days, beforeAfter: beforeAfter)
    }

    @Test func roundsHalfAwayFromZero() {
        #expect(Cell.fixed(12.25, 1) == "12.3")
        #expect(Cell.fixed(0.15, 1) == "0.2")
        #expect(Cell.fixed(-0.04, 1) == "0.0")
        #expect(Cell.fixed(0.123449, 4) == "0.1234")
        #expect(Cell.fixed(7, 0) == "7")
    }

    @Test func fixedPointTextPadsSignsAndSkipsNonFinite() {
        #expect(Cell.fixed(0.05, 2) == "0.05")
        #expect(Cell.fixed(0, 4) == "0.0000")
        #expect(Cell.fixed(0, 0) == "0")
        #expect(Cell.fixed(-2.5, 0) == "-3")
        #expect(Cell.fixed(-0.004, 2) == "0.00")
        #expect(Cell.fixed(-0.005, 2) == "-0.01")
        #expect(Cell.fixed(1234567.891, 2) == "1234567.89")
        #expect(Cell.fixed(9.99951, 3) == "10.000")
        #expect(Cell.fixed(.infinity, 1) == "")
        #expect(Cell.fixed(.nan, 1) == "")
    }

    /// The byte-level writer against the plain string construction it replaced, on values of
    /// every magnitude, both signs and 0 to 6 decimals.
    @Test func fixedPointTextEqualsStringConstruction() {
        func reference(_ value: Double, _ decimals: Int) -> String {
            guard value.isFinite else { return "" }
            var scale = 1.0
            for _ in 0..<decimals { scale *= 10 }
            let scaled = (abs(value) * scale * (1 + 4 * Double.ulpOfOne)).rounded(.toNearestOrAwayFromZero)
            let signed = value < 0 && scaled != 0 ? -scaled : scaled
            var text = String(Int64(signed).magnitude)
            if decimals > 0 {
                if text.count <= decimals { text = String(repeating: "0", count: decimals - text.count + 1) + text }
                text.insert(".", at: text.index(text.endIndex, offsetBy: -decimals))
            }
            return (signed < 0 ? "-" : "") + text
        }
        var random = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let exponent = Int.random(in: -6...9, using: &random)
            var magnitude = 1.0
            for _ in 0..<abs(exponent) { magnitude = exponent < 0 ? magnitude / 10 : magnitude * 10 }
            let value = Double.random(in: -1...1, using: &random) * magnitude
            let decimals = Int.random(in: 0...6, using: &random)
            #expect(Cell.fixed(value, decimals) == reference(value, decimals), "\(value) with \(decimals) decimals")
        }
    }

    // MARK: - The two protections

    @Test(arguments: [(0, 0), (1, 5), (9, 5), (10, 5), (11, 15), (20, 15), (21, 25), (476, 475)])
    func blockMidpointsWithKTen(x: Int, expected: Int) {
        let p = DisclosureProtection(minCell: 10, roundTo: 5)
        #expect(p.midpoint(x) == expected)
        #expect(p.isMidpoint(expected))
    }

    @Test func blockMidpointsWithKTwoAndOddK() {
        let two = DisclosureProtection(minCell: 2, roundTo: 1)
        #expect((0...6).map(two.midpoint) == [0, 1, 1, 3, 3, 5, 5])
        let seven = DisclosureProtection(minCell: 7, roundTo: 5)
        #expect([1, 7, 8, 14].map(seven.midpoint) == [4, 4, 11, 11])
        #expect(!seven.isMidpoint(5) && seven.isMidpoint(11))
    }

    @Test(arguments: [(0, 0 as Int?), (1, nil), (9, nil), (10, 10), (12, 10), (13, 15), (17, 15), (18, 20), (22, 20), (23, 25)])
    func roundedTableCounts(x: Int, expected: Int?) {
        #expect(DisclosureProtection(minCell: 10, roundTo: 5).rounded(x) == expected)
    }

    @Test func roundingNeverFallsBelowK() {
        let p = DisclosureProtection(minCell: 7, roundTo: 5)
        #expect(p.rounded(7) == 10)     // 5 would be under k
        #expect(p.rounded(12) == 10)
        #expect(p.isRounded(10) && !p.isRounded(5))
    }

    @Test func protectionOffIsTheIdentity() {
        #expect((0...40).allSatisfy { DisclosureProtection.off.midpoint($0) == $0 && DisclosureProtection.off.rounded($0) == $0 })
        #expect(DisclosureProtection.off.isOff)
    }

    // MARK: - The protected tally (worked example, k = 2)

    /// Cumulative events 1,2,4,4,5,6 on days 0,3,5,8,10,12 become 1,1,3,3,5,5; censorings
    /// 0,1,2,3,3,4 become 0,1,1,3,3,3; N = 10 becomes 9. Day 12 changes nothing and drops out.
    @Test func protectedTallyOfTheWorkedExample() {
        let tally = SurvivalTally(Self.example).protected(by: DisclosureProtection(minCell: 2, roundTo: 1))
        #expect(tally.total == 9)
        #expect(tally.days == [0, 3, 5, 8, 10])
        #expect(tally.events == [1, 0, 2, 0, 2])
        #expect(tally.censored == [0, 1, 0, 2, 0])
        #expect([0, 3, 5, 8, 10, 12].map(tally.atRisk) == [9, 8, 7, 5, 3, 1])
    }

    /// S = 8/9, then x 5/7, then x 1/3; Greenwood 1/72, + 2/35, + 2/3.
    @Test func kaplanMeierOnTheProtectedTally() {
        let km = KaplanMeier(tally: SurvivalTally(Self.example).protected(by: DisclosureProtection(minCell: 2, roundTo: 1)))
        #expect(km.steps.map(\.time) == [0, 5, 10])
        #expect(km.steps.map(\.atRisk) == [9, 7, 3])
        let expected = [(0.111111, 0.016436, 0.567035), (0.365079, 0.133976, 0.761774), (0.788360, 0.408569, 0.989860)]
        for (step, (f, low, high)) in zip(km.steps, expected) {
            #expect(abs(step.cumulativeIncidence - f) < 1e-6)
            #expect(abs(step.ciLow - low) < 1e-6)
            #expect(abs(step.ciHigh - high) < 1e-6)
        }
    }

    @Test func withKOneTheProtectedEstimatorIsThePlainOne() {
        let plain = KaplanMeier(Self.example)
        let protected = KaplanMeier(tally: plain.tally.protected(by: .off))
        #expect(protected.steps == plain.steps)
        #expect(protected.tally == plain.tally)
    }

    // MARK: - The gate

    @Test func horizonRowsComeFromProtectedCountsWhileEnoughAreAtRisk() throws {
        let gate = CohortTables(protection: DisclosureProtection(minCell: 2, roundTo: 1), horizons: [8, 12], gridDays: 5)
        let table = gate.outflow([Self.measures(.all, Self.example)])
        #expect(table.csv() == """
            stratum,stratum_value,horizon_days,entries,n_followed,n_events,n_censored,cum_incidence,ci_low,ci_high,suppressed,n_competing,cif_aj,cif_aj_low,cif_aj_high
            all,all,8,9,3,3,3,0.3651,0.1340,0.7618,0,0,0.3651,0.0836,0.6643
            all,all,12,,,,,,,,1,,,,

            """)
        // Without competing events Aalen-Johansen is 1 - Kaplan-Meier; its interval is the
        // log(-log) one of CIF with the delta-method variance (methods.md 6b): at day 0,
        // Var = 8/9^3 = 0.010974 and CIF = 1/9 in [0.0061, 0.3877].
        let curve = gate.curve([Self.measures(.all, Self.example)])
        #expect(curve.csv() == """
            stratum,stratum_value,t_days,at_risk,cum_incidence,ci_low,ci_high,cif_aj,cif_aj_low,cif_aj_high
            all,all,0,9,0.1111,0.0164,0.5670,0.1111,0.0061,0.3877
            all,all,5,7,0.3651,0.1340,0.7618,0.3651,0.0836,0.6643
            all,all,10,3,0.7884,0.4086,0.9899,0.7884,0.2038,0.9651

            """)
        try gate.protection.verify(table)
        try gate.protection.verify(curve)
    }

    @Test func exactGateEqualsTheUnprotectedEstimates() {
        let gate = CohortTables(protection: .off, horizons: [8, 13], gridDays: 5)
        #expect(gate.outflow([Self.measures(.all, Self.example)]).csv() == """
            stratum,stratum_value,horizon_days,entries,n_followed,n_events,n_censored,cum_incidence,ci_low,ci_high,suppressed,n_competing,cif_aj,cif_aj_low,cif_aj_high
            all,all,8,10,3,4,3,0.4286,0.1854,0.7828,0,0,0.4286,0.1286,0.7047
            all,all,13,,,,,,,,1,,,,

            """)
    }

    /// `T = 1*, 2*, 2*, 2c, 4*, 4, 5c, 6*, 7, 9c` (`c`: competing event), the example of
    /// AalenJohansenTests. With k = 2: N* = 9; D = 1, 3, 4, 5 on days 1, 2, 4, 6 become 1, 3, 3, 5;
    /// M = 1, 2, 3 on days 2, 5, 9 become 1, 1, 3; C = 1, 2 on days 4, 7 become 1, 1. Per day:
    /// d* 1 (day 1), 2 (day 2), 2 (day 6); m* 1 (day 2), 2 (day 9); c* 1 (day 4).
    /// R*(t) = 9 - D*(t-1) - M*(t-1) - C*(t-1): 9 on days 0-1, 8 on 2, 5 on 3-4, 4 on 5-6, 2 on 7-9, 0 after.
    ///
    /// Kaplan-Meier (competing events censor): S = 8/9, x 6/8, x 2/4: F = 1/9, 1/3, 2/3.
    /// Aalen-Johansen: CIF = 1/9; + 8/9 x 2/8 = 1/3; + 5/9 x 2/4 = 11/18 = 0.6111 (the survival
    /// from any ending is 8/9 x 5/8 = 5/9 before day 6). Variance at day 2: (2/9)^2 / 72 + 8/729 +
    /// (8/9)^2 x 12/512 - 2 x 2/9 x 1/81 = 2/81, so CIF 1/3 in [0.0783, 0.6226].
    ///
    /// Horizon 5: entries 9, events D*(5) = 3, competing M*(5) = 1, censored C*(5) = 1 (no longer
    /// with the competing event in it), followed 9 - 3 - 1 - 1 = 4. Horizon 8: 5, 1, 1, followed 2.
    /// Horizon 10: R* = 0 < 2, withheld in every column.
    @Test func competingEventsHaveTheirOwnColumnAndTheAalenJohansenEstimate() throws {
        let times = ([(1, .event), (2, .event), (2, .event), (2, .competing), (4, .event), (4, .censored), (5, .competing),
                      (6, .event), (7, .censored), (9, .competing)] as [(Int, Ending)]).map { SurvivalTime(days: $0.0, ending: $0.1) }
        let gate = CohortTables(protection: DisclosureProtection(minCell: 2, roundTo: 1), horizons: [5, 8, 10], gridDays: 3)
        let table = gate.outflow([Self.measures(.all, times)])
        #expect(table.csv() == """
            stratum,stratum_value,horizon_days,entries,n_followed,n_events,n_censored,cum_incidence,ci_low,ci_high,suppressed,n_competing,cif_aj,cif_aj_low,cif_aj_high
            all,all,5,9,4,3,1,0.3333,0.1217,0.7183,0,1,0.3333,0.0783,0.6226
            all,all,8,9,2,5,1,0.6667,0.3362,0.9474,0,1,0.6111,0.2167,0.8533
            all,all,10,,,,,,,,1,,,,

            """)
        #expect(table.protection["n_competing"] == .midpoint && table.protection["n_censored"] == .midpoint)
        let curve = gate.curve([Self.measures(.all, times)])
        #expect(curve.csv() == """
            stratum,stratum_value,t_days,at_risk,cum_incidence,ci_low,ci_high,cif_aj,cif_aj_low,cif_aj_high
            all,all,0,9,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000
            all,all,3,5,0.3333,0.1217,0.7183,0.3333,0.0783,0.6226
            all,all,6,4,0.6667,0.3362,0.9474,0.6111,0.2167,0.8533
            all,all,9,2,0.6667,0.3362,0.9474,0.6111,0.2167,0.8533

            """)
        try gate.protection.verify(table)
        try gate.protection.verify(curve)
        // The exact copy (k = 1), horizon 5: 10 entries, 4 events, 2 competing, 1 censored,
        // 3 followed; KM 1 - 0.9 x 7/9 x 5/6 = 0.4167, CIF 0.1 + 0.2 + 0.1 = 0.4.
        let exact = CohortTables(protection: .off, horizons: [5], gridDays: 3).outflow([Self.measures(.all, times)])
        #expect(exact.csv().split(separator: "\n")[1] == "all,all,5,10,3,4,1,0.4167,0.1793,0.7702,0,2,0.4000,0.1227,0.6702")
    }

    /// k = 10: 10 events on day 1, 10 competing events on day 2, 10 censorings on day 3. N = 30
    /// becomes 25, each part 5, so after day 3 R* = 25 - 15 = 10 >= k although nobody is left:
    /// the surplus of the whole's midpoint over the parts'. Horizon 3 is the tally's last day;
    /// horizon 5 lies past it and is withheld, as the curve stops there. Day 1: n = 25, d = 5:
    /// F = CIF = 0.2 (Greenwood 5 / (25 x 20) = 0.01; delta-method variance 5 x 20 / 25^3 = 0.0064).
    @Test func aHorizonPastTheProtectedTallysLastDayIsWithheld() {
        let times = (0..<30).map { SurvivalTime(days: 1 + $0 / 10, ending: [Ending.event, .competing, .censored][$0 / 10]) }
        let gate = CohortTables(protection: DisclosureProtection(minCell: 10, roundTo: 5), horizons: [3, 5], gridDays: 2)
        #expect(gate.outflow([Self.measures(.all, times)]).csv() == """
            stratum,stratum_value,horizon_days,entries,n_followed,n_events,n_censored,cum_incidence,ci_low,ci_high,suppressed,n_competing,cif_aj,cif_aj_low,cif_aj_high
            all,all,3,25,10,5,5,0.2000,0.0885,0.4156,0,5,0.2000,0.0728,0.3720
            all,all,5,,,,,,,,1,,,,

            """)
        #expect(gate.curve([Self.measures(.all, times)]).rows.map { $0[2] } == [.key("0"), .key("2")])
    }

    @Test func aSmallStratumAndItsSmallestPartnerAreWithheld() {
        let gate = CohortTables(protection: DisclosureProtection(minCell: 10, roundTo: 5), horizons: [5], gridDays: 30)
        let big = (0..<30).map { SurvivalTime(days: $0, isEvent: $0 % 3 == 0) }
        let measures = [Self.measures(.all, big + Array(big.prefix(5))),
                        Self.measures(Stratum(variable: "role", value: "jongere"), Array(big.prefix(5))),
                        Self.measures(Stratum(variable: "role", value: "opvoeder"), big),
                        Self.measures(Stratum(variable: "group_type", value: "a"), Array(big.prefix(12))),
                        Self.measures(Stratum(variable: "group_type", value: "b"), Array(big.prefix(23)))]
        #expect(gate.visibility(measures) == [.shown, .small, .partner, .shown, .shown])
        let outflow = gate.outflow(measures)
        #expect(outflow.rows.allSatisfy { $0.count == outflow.columns.count - 1 })
        #expect(outflow.rows[1].dropFirst(3).allSatisfy { $0 == .suppressed })
        #expect(outflow.rows[2].dropFirst(3).allSatisfy { $0 == .withheld })
        let rates = gate.rates(measures)
        #expect(rates.rows[1].dropFirst(2).allSatisfy { $0 == .suppressed })
        #expect(rates.rows[2].dropFirst(2).allSatisfy { $0 == .withheld })
        #expect(rates.rows[3][2] == .count(15) && rates.rows[3][3] == .count(5))
    }

    @Test func attritionPublishesRoundedRemainingCountsAndTheirDifferences() throws {
        let gate = CohortTables(protection: DisclosureProtection(minCell: 10, roundTo: 5), horizons: [], gridDays: 30)
        let steps = [AttritionStep(step: 1, reason: "a", entries: 652, persons: 598, excludedEntries: 0, excludedPersons: 0),
                     AttritionStep(step: 2, reason: "b", entries: 590, persons: 547, excludedEntries: 62, excludedPersons: 51),
                     AttritionStep(step: 3, reason: "c", entries: 587, persons: 545, excludedEntries: 3, excludedPersons: 2),
                     AttritionStep(step: 4, reason: "d", entries: 6, persons: 6, excludedEntries: 581, excludedPersons: 539)]
        let table = gate.attrition(steps)
        #expect(table.csv() == """
            step,reason,entries,persons,excluded_entries,excluded_persons
            1,a,650,600,0,0
            2,b,590,545,60,55
            3,c,585,545,5,0
            4,d,,,,

            """)
        try gate.protection.verify(table)
    }

    @Test func beforeAfterSharesAndMcNemarComeFromTheRoundedCells() {
        let gate = CohortTables(protection: DisclosureProtection(minCell: 10, roundTo: 5), horizons: [], gridDays: 30)
        let ba = BeforeAfterTable(yesYes: 12, yesNo: 23, noYes: 31, noNo: 117)
        let row = gate.beforeAfter([Self.measures(.all, Self.example, beforeAfter: ba)]).rows[0]
        let shown = BeforeAfterTable(yesYes: 10, yesNo: 25, noYes: 30, noNo: 115)
        #expect(row == [.key("all"), .key("all"), .count(185), .count(10), .count(25), .count(30), .count(115),
                        .number(shown.exactMcNemarP, decimals: 4), .proportion(35.0 / 180), .proportion(40.0 / 180)])
    }

    @Test func aSmallBeforeAfterCellWithholdsItsRow() {
        let gate = CohortTables(protection: DisclosureProtection(minCell: 10, roundTo: 5), horizons: [], gridDays: 30)
        let ba = BeforeAfterTable(yesYes: 0, yesNo: 6, noYes: 28, noNo: 153)
        let row = gate.beforeAfter([Self.measures(.all, Self.example, beforeAfter: ba)]).rows[0]
        #expect(row == [.key("all"), .key("all"), .count(185), .withheld, .suppressed, .withheld, .withheld, .withheld, .withheld, .withheld])
    }

    // MARK: - The verifier

    @Test func verifierStopsATableWithATrueCount() {
        let p = DisclosureProtection(minCell: 10, roundTo: 5)
        let survival = PublishedTable(name: "outflow", columns: ["stratum", "entries"], rows: [[.key("all"), .count(476)]],
                                      protection: ["entries": .midpoint])
        #expect(throws: OutflowError.self) { try p.verify(survival) }
        let table = PublishedTable(name: "response", columns: ["wave", "eligible"], rows: [[.key("1"), .count(12)]],
                                   protection: ["eligible": .rounded])
        let error = #expect(throws: OutflowError.self) { try p.verify(table) }
        #expect(error?.status == .internalError)
        #expect(error?.message.contains("response.csv row 2 column eligible holds 12") == true)
        let unnamed = PublishedTable(name: "x", columns: ["n"], rows: [[.count(15)]])
        #expect(throws: OutflowError.self) { try p.verify(unnamed) }
        #expect(throws: Never.self) {
            try p.verify(PublishedTable(name: "ok", columns: ["n", "m"], rows: [[.count(475), .count(0)], [.suppressed, .count(15)]],
                                        protection: ["n": .midpoint, "m": .rounded]))
        }
    }
}
