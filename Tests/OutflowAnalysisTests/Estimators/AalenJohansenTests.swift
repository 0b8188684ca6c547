// Known answers for the Aalen-Johansen estimator of docs/methods.md section 6b, worked by hand
// below. The intervals were computed from the section's formulas with an independent python3
// implementation (a direct double sum per time, not the running sums of the estimator) and agree
// with lifelines 0.30.3 `AalenJohansenFitter` to 1e-15 when its tie jittering is switched off
// (lifelines names the smaller bound "upper"; the section takes the smaller value as the lower).

import Testing
import OutflowCore
import OutflowAnalysis
import OutflowTestSupport

struct AalenJohansenTests {
    /// Ten entries (`*` event, `c` competing event, plain: censored):
    /// `T = 1*, 2*, 2*, 2c, 4*, 4, 5c, 6*, 7, 9c`, shuffled to show order does not matter.
    /// Day 2 has two events and a competing event (one time point, no jittering); day 4 a
    /// censoring at an event time.
    static let example: [SurvivalTime] = ([
        (6, .event), (2, .competing), (9, .competing), (1, .event), (4, .censored),
        (2, .event), (7, .censored), (5, .competing), (4, .event), (2, .event),
    ] as [(Int, Ending)]).map { SurvivalTime(days: $0.0, ending: $0.1) }

    /// docs/methods.md section 6: `T = 0*, 3*, 3, 5*, 5*, 5, 8, 10*, 12, 12*` (no competing events).
    static let specExample: [SurvivalTime] = [(0, true), (3, true), (3, false), (5, true), (5, true), (5, false), (8, false),
                                              (10, true), (12, false), (12, true)].map { SurvivalTime(days: $0.0, isEvent: $0.1) }

    func expectStep(_ step: AalenJohansen.Step, time: Int, atRisk: Int, events: Int, competing: Int, survivalBefore: Double,
                    cif: Double, variance: Double, low: Double, high: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(step.time == time, sourceLocation: sourceLocation)
        #expect(step.atRisk == atRisk, sourceLocation: sourceLocation)
        #expect(step.events == events, sourceLocation: sourceLocation)
        #expect(step.competing == competing, sourceLocation: sourceLocation)
        #expect(abs(step.survivalBefore - survivalBefore) < 1e-12, sourceLocation: sourceLocation)
        #expect(abs(step.cif - cif) < 1e-12, sourceLocation: sourceLocation)
        #expect(abs(step.variance - variance) < 1e-12, sourceLocation: sourceLocation)
        #expect(abs(step.low - low) < 1e-9, sourceLocation: sourceLocation)
        #expect(abs(step.high - high) < 1e-9, sourceLocation: sourceLocation)
    }

    // MARK: - Ties, censoring at an event time, same-day events

    /// The walk over the days (n at risk, d events, m competing, e = d + m; S(t-) the survival
    /// from any event or competing event just before the day):
    ///
    /// | day | n | d | m | S(t-) | CIF += S(t-) d / n | S after |
    /// | --- | --- | --- | --- | --- | --- | --- |
    /// | 1 | 10 | 1 | 0 | 1 | 1/10 -> 0.1 | 9/10 = 0.9 |
    /// | 2 | 9 | 2 | 1 | 0.9 | 0.9 x 2/9 = 0.2 -> 0.3 | 0.9 x 6/9 = 0.6 |
    /// | 4 | 6 | 1 | 0 | 0.6 | 0.6 / 6 = 0.1 -> 0.4 | 0.6 x 5/6 = 0.5 (the censoring leaves after) |
    /// | 5 | 4 | 0 | 1 | 0.5 | 0 -> 0.4 | 0.5 x 3/4 = 0.375 |
    /// | 6 | 3 | 1 | 0 | 0.375 | 0.375 / 3 = 0.125 -> 0.525 | 0.375 x 2/3 = 0.25 |
    /// | 7 | 2 | 0 | 0 | censoring only | | |
    /// | 9 | 1 | 0 | 1 | 0.25 | 0 -> 0.525 | 0 |
    ///
    /// Per-day terms: w = e / (n (n - e)): 1/90, 3/54 = 1/18, 1/30, 1/12 (day 5), 1/6, and 0 on
    /// day 9 (n = e); S(t-)^2 d (n - d) / n^3: 9/1000 = 0.009, 0.81 x 14/729 = 7/450, 0.36 x 5/216
    /// = 1/120, 0.140625 x 2/27 = 1/96; S(t-) d / n^2: 1/100, 1.8/81 = 1/45, 0.6/36 = 1/60, 0.375/9 = 1/24.
    ///
    /// - Day 1, CIF 0.1: Var = 0 + 0.009 - 0 = 0.009.
    /// - Day 2, CIF 0.3: first 0.2^2 / 90 = 1/2250; second 0.009 + 7/450 = 0.0245556; third
    ///   0.2 / 100 = 0.002. Var = 0.0004444 + 0.0245556 - 0.004 = 0.021.
    /// - Day 4, CIF 0.4: first 0.3^2 / 90 + 0.1^2 / 18 = 0.001 + 0.0005556; second + 1/120 =
    ///   0.0328889; third 0.3 / 100 + 0.1 / 45 = 0.0052222. Var = 0.0015556 + 0.0328889 - 0.0104444 = 0.024.
    /// - Day 6, CIF 0.525: first 0.425^2 / 90 + 0.225^2 / 18 + 0.125^2 / 30 + 0.125^2 / 12 (day 5's
    ///   competing event counts from here on) = 0.0020069 + 0.0028125 + 0.0005208 + 0.0013021 =
    ///   0.0066424; second + 1/96 = 0.0433056; third 0.425 / 100 + 0.225 / 45 + 0.125 / 60 =
    ///   0.0113333. Var = 0.0066424 + 0.0433056 - 0.0226667 = 0.02728125.
    ///
    /// Interval, e.g. day 1: log(-log 0.1) = 0.834032, z sqrt(0.009) / (0.1 |log 0.1|) = 0.807521,
    /// so exp(-exp(0.834032 +- 0.807512)) = [0.005723, 0.358127].
    @Test func reproducesTheHandWorkedExampleWithTies() {
        let aj = AalenJohansen(Self.example)
        #expect(aj.count == 10)
        #expect(aj.maxTime == 9)
        #expect(aj.steps.map(\.time) == [1, 2, 4, 6])
        expectStep(aj.steps[0], time: 1, atRisk: 10, events: 1, competing: 0, survivalBefore: 1, cif: 0.1, variance: 0.009,
                   low: 0.005723456374334736, high: 0.35812746050806993)
        expectStep(aj.steps[1], time: 2, atRisk: 9, events: 2, competing: 1, survivalBefore: 0.9, cif: 0.3, variance: 0.021,
                   low: 0.07113449232300492, high: 0.5778673306252359)
        expectStep(aj.steps[2], time: 4, atRisk: 6, events: 1, competing: 0, survivalBefore: 0.6, cif: 0.4, variance: 0.024,
                   low: 0.12269316578235416, high: 0.6702046374234798)
        expectStep(aj.steps[3], time: 6, atRisk: 3, events: 1, competing: 0, survivalBefore: 0.375, cif: 0.525, variance: 0.02728125,
                   low: 0.18679212232763323, high: 0.7807731954222551)
    }

    @Test func daysWithoutEventsKeepTheLastEstimate() {
        let aj = AalenJohansen(Self.example)
        // Day 5 (competing only) and day 9 (the last entry's competing event) change nothing
        // at their own time; past the largest time nothing is estimable.
        #expect(aj.value(at: 5) == aj.value(at: 4))
        #expect(aj.estimate(at: 9) == AalenJohansen.Estimate(cif: aj.steps[3].cif, low: aj.steps[3].low, high: aj.steps[3].high))
        #expect(aj.estimate(at: 10) == nil)
        #expect(abs(aj.value(at: 100).cif - 0.525) < 1e-12)
    }

    @Test func isZeroBeforeTheFirstEvent() {
        let aj = AalenJohansen(Self.example)
        #expect(aj.value(at: 0) == AalenJohansen.Estimate(cif: 0, low: 0, high: 0))
        #expect(aj.estimate(at: 0) == AalenJohansen.Estimate(cif: 0, low: 0, high: 0))
        // Competing events and censorings before the first event leave it at 0 too.
        let late = AalenJohansen([SurvivalTime(days: 1, ending: .competing), SurvivalTime(days: 2, ending: .censored),
                                  SurvivalTime(days: 3, ending: .event), SurvivalTime(days: 4, ending: .censored)])
        #expect(late.value(at: 2) == AalenJohansen.Estimate(cif: 0, low: 0, high: 0))
        // Day 3: n = 2, S(t-) = 3/4 (the competing event of day 1), CIF = 3/4 x 1/2 = 0.375.
        #expect(abs(late.value(at: 3).cif - 0.375) < 1e-12)
    }

    // MARK: - Without competing events: 1 - Kaplan-Meier

    /// With m = 0 every step is S(t-) d / n = S(t-) - S(t), so the sum telescopes to 1 - S(t):
    /// the Kaplan-Meier F of section 6 (0.1, 0.2, 0.428571, 0.619048, 0.809524). The variance
    /// is not Greenwood's: at day 0 both give 0.009, at day 3 Greenwood gives 0.8^2 x (1/90 +
    /// 1/72) = 0.016 and the delta method 0.1^2 / 90 + 0.009 + 0.81 x 8 / 729 - 2 x 0.1 / 100 = 0.016
    /// as well, but the log(-log) transform is taken of F instead of S, so the intervals differ
    /// (day 0: [0.005723, 0.358127] here against Kaplan-Meier's [0.014719, 0.526991]).
    @Test func equalsOneMinusKaplanMeierWithoutCompetingEvents() {
        let aj = AalenJohansen(Self.specExample)
        let km = KaplanMeier(Self.specExample)
        #expect(aj.steps.map(\.time) == km.steps.map(\.time))
        for (a, k) in zip(aj.steps, km.steps) {
            #expect(abs(a.cif - k.cumulativeIncidence) < 1e-15)
            #expect(a.atRisk == k.atRisk && a.events == k.events)
        }
        // (time, CIF, Var, low, high)
        let expected: [(Int, Double, Double, Double, Double)] = [
            (0, 0.1, 0.009, 0.005723456374334736, 0.35812746050806993),
            (3, 0.2, 0.016, 0.03090902430801962, 0.47471469044054654),
            (5, 3.0 / 7, 0.026822157434402326, 0.12862320455220558, 0.7046503461138971),
            (10, 13.0 / 21, 0.03610841161861571, 0.1861062833922148, 0.8721603491335956),
            (12, 17.0 / 21, 0.027167692473814925, 0.24741332393065316, 0.9685361959061753),
        ]
        for (step, (t, cif, v, low, high)) in zip(aj.steps, expected) {
            #expect(step.time == t)
            #expect(abs(step.cif - cif) < 1e-12)
            #expect(abs(step.variance - v) < 1e-12)
            #expect(abs(step.low - low) < 1e-9 && abs(step.high - high) < 1e-9)
        }
        // Horizon 8 uses day 5, as Kaplan-Meier does.
        let eight = aj.estimate(at: 8)!
        #expect(abs(eight.cif - km.estimate(at: 8)!.cumulativeIncidence) < 1e-15)
        #expect(abs(eight.low - 0.12862320455220558) < 1e-9 && abs(eight.high - 0.7046503461138971) < 1e-9)
    }

    // MARK: - Edges

    @Test func allEventsOnOneDayReachOne() {
        // n = d = 4: CIF = 1, Var = 0 (the first-sum term has n = e and contributes 0), [1, 1].
        let aj = AalenJohansen((0..<4).map { _ in SurvivalTime(days: 7, isEvent: true) })
        #expect(aj.steps.count == 1)
        expectStep(aj.steps[0], time: 7, atRisk: 4, events: 4, competing: 0, survivalBefore: 1, cif: 1, variance: 0, low: 1, high: 1)
    }

    @Test func emptyAndAllCensoredStrata() {
        let empty = AalenJohansen([])
        #expect(empty.count == 0 && empty.maxTime == nil && empty.estimate(at: 0) == nil)
        #expect(empty.value(at: 0) == AalenJohansen.Estimate(cif: 0, low: 0, high: 0))
        let censored = AalenJohansen([SurvivalTime(days: 2, ending: .censored), SurvivalTime(days: 3, ending: .competing)])
        #expect(censored.steps.isEmpty)
        #expect(censored.estimate(at: 3) == AalenJohansen.Estimate(cif: 0, low: 0, high: 0))
    }

    /// A protected tally whose parts outgrow its whole (docs/methods.md section 10): N* = 5 but
    /// 3 + 3 + 1 endings. Day 1: n = 5, d = 3, CIF 0.6, S = 0.4. Day 2: n = 2, only 2 of the 3
    /// competing events are left to take: S = 0, CIF stays 0.6. Day 3: n = -1, nothing happens.
    @Test func aProtectedTailTakesAtMostTheEntriesLeftAndNeverGivesNaN() {
        let tally = SurvivalTally(total: 5, days: [1, 2, 3], events: [3, 0, 1], competing: [0, 3, 0], censored: [0, 0, 0])
        let aj = AalenJohansen(tally: tally)
        #expect(aj.steps.map(\.time) == [1])
        #expect(abs(aj.value(at: 3).cif - 0.6) < 1e-12)
        for t in 0...4 {
            let e = aj.value(at: t)
            #expect(!e.cif.isNaN && !e.low.isNaN && !e.high.isNaN && e.low <= e.cif && e.cif <= e.high)
        }
        // Events with nobody left: the day is skipped rather than divided by zero.
        let drained = AalenJohansen(tally: SurvivalTally(total: 2, days: [1, 2], events: [0, 4], competing: [3, 0], censored: [0, 0]))
        #expect(drained.steps.isEmpty)
    }

    @Test func theProtectedTallyFeedsItAsItFeedsKaplanMeier() {
        // With k = 1 the protected tally is the tally, so the estimate is unchanged.
        let plain = AalenJohansen(Self.example)
        let protected = AalenJohansen(tally: plain.tally.protected(by: .off))
        #expect(protected.steps == plain.steps)
    }

    // MARK: - Against the double sum of section 6b

    /// The running sums equal the section's double sum, evaluated directly at every event day,
    /// on 500 random entries with many ties of all three kinds.
    @Test func runningSumsAgreeWithTheDirectDoubleSum() {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        let endings: [Ending] = [.event, .competing, .censored, .censored]
        let times = (0..<500).map { _ in SurvivalTime(days: next(80), ending: endings[next(4)]) }
        let aj = AalenJohansen(times)
        // The direct computation, day by day.
        let days = Set(times.map(\.days)).sorted()
        var rows: [(t: Int, n: Double, d: Double, m: Double, s: Double, f: Double)] = []
        var s = 1.0, f = 0.0
        for t in days {
            let n = Double(times.count { $0.days >= t })
            let d = Double(times.count { $0.days == t && $0.ending == .event })
            let m = Double(times.count { $0.days == t && $0.ending == .competing })
            f += s * d / n
            rows.append((t, n, d, m, s, f))
            s *= 1 - (d + m) / n
        }
        var checked = 0
        for (j, row) in rows.enumerated() where row.d > 0 {
            var v = 0.0
            for r in rows[...j] {
                let e = r.d + r.m
                if r.n > e { v += (row.f - r.f) * (row.f - r.f) * e / (r.n * (r.n - e)) }
                v += r.s * r.s * r.d * (r.n - r.d) / (r.n * r.n * r.n)
                v -= 2 * (row.f - r.f) * r.s * r.d / (r.n * r.n)
            }
            let step = aj.steps[checked]
            #expect(step.time == row.t)
            #expect(abs(step.cif - row.f) < 1e-12)
            #expect(abs(step.variance - v) < 1e-12)
            checked += 1
        }
        #expect(checked == aj.steps.count && checked > 20)
    }
}
