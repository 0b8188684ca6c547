// Known answers for the Kaplan-Meier estimator of methods.md section 6: docs/methods.md's own
// worked example row by row, then small hand-worked strata for each edge docs/methods.md names.
// Interval values were computed from the formulas of docs/methods.md in python3 and agree with
// lifelines 0.30.3 `KaplanMeierFitter` (exponential Greenwood) to 1e-15.

import Testing
import OutflowCore
import OutflowAnalysis
import OutflowTestSupport

struct KaplanMeierTests {
    /// methods.md section 6: `T = 0*, 3*, 3, 5*, 5*, 5, 8, 10*, 12, 12*`, shuffled to show order
    /// does not matter.
    static let specExample: [SurvivalTime] = [
        (12, false), (5, true), (0, true), (8, false), (3, false),
        (10, true), (5, false), (3, true), (12, true), (5, true),
    ].map { SurvivalTime(days: $0.0, isEvent: $0.1) }

    static func times(_ pairs: [(Int, Bool)]) -> [SurvivalTime] {
        pairs.map { SurvivalTime(days: $0.0, isEvent: $0.1) }
    }

    func expectStep(
        _ step: KaplanMeier.Step, time: Int, atRisk: Int, events: Int,
        F: Double, low: Double, high: Double, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(step.time == time, sourceLocation: sourceLocation)
        #expect(step.atRisk == atRisk, sourceLocation: sourceLocation)
        #expect(step.events == events, sourceLocation: sourceLocation)
        #expect(abs(step.cumulativeIncidence - F) < 1e-6, sourceLocation: sourceLocation)
        #expect(abs(step.survival + step.cumulativeIncidence - 1) < 1e-12, sourceLocation: sourceLocation)
        #expect(abs(step.ciLow - low) < 1e-6, sourceLocation: sourceLocation)
        #expect(abs(step.ciHigh - high) < 1e-6, sourceLocation: sourceLocation)
    }

    func expectEstimate(
        _ estimate: KaplanMeier.Estimate?, F: Double, low: Double, high: Double,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(estimate != nil, sourceLocation: sourceLocation)
        guard let estimate else { return }
        #expect(abs(estimate.cumulativeIncidence - F) < 1e-6, sourceLocation: sourceLocation)
        #expect(abs(estimate.ciLow - low) < 1e-6, sourceLocation: sourceLocation)
        #expect(abs(estimate.ciHigh - high) < 1e-6, sourceLocation: sourceLocation)
    }

    // MARK: - The spec's worked example

    @Test func reproducesEveryRowOfTheSpecTable() {
        let km = KaplanMeier(Self.specExample)
        #expect(km.count == 10)
        #expect(km.maxTime == 12)
        #expect(km.steps.count == 5)
        expectStep(km.steps[0], time: 0, atRisk: 10, events: 1, F: 0.100000, low: 0.014719, high: 0.526991)
        expectStep(km.steps[1], time: 3, atRisk: 9, events: 1, F: 0.200000, low: 0.054127, high: 0.591309)
        expectStep(km.steps[2], time: 5, atRisk: 7, events: 2, F: 0.428571, low: 0.185428, high: 0.782807)
        expectStep(km.steps[3], time: 10, atRisk: 3, events: 1, F: 0.619048, low: 0.295623, high: 0.929894)
        expectStep(km.steps[4], time: 12, atRisk: 2, events: 1, F: 0.809524, low: 0.449142, high: 0.990063)
    }

    @Test func accumulatesGreenwoodByHand() {
        let km = KaplanMeier(Self.specExample)
        // 1/90, + 1/72, + 2/35, + 1/6, + 1/2
        let expected = [1.0 / 90, 0.025, 0.025 + 2.0 / 35, 0.025 + 2.0 / 35 + 1.0 / 6, 0.025 + 2.0 / 35 + 2.0 / 3]
        for (step, v) in zip(km.steps, expected) {
            #expect(abs(step.greenwood - v) < 1e-12)
        }
    }

    @Test func horizonEightUsesTheLastEventAtOrBeforeIt() {
        let km = KaplanMeier(Self.specExample)
        expectEstimate(km.estimate(at: 8), F: 0.428571, low: 0.185428, high: 0.782807)
        #expect(km.counts(at: 8) == .init(followed: 3, events: 4, censored: 3))
    }

    @Test func horizonPastTheLargestTimeIsNotEstimable() {
        let km = KaplanMeier(Self.specExample)
        #expect(km.estimate(at: 13) == nil)
        #expect(km.counts(at: 13) == .init(followed: 0, events: 6, censored: 4))
    }

    @Test func horizonExactlyAtTheLargestTimeIsEstimable() {
        let km = KaplanMeier(Self.specExample)
        expectEstimate(km.estimate(at: 12), F: 0.809524, low: 0.449142, high: 0.990063)
        #expect(km.counts(at: 12) == .init(followed: 0, events: 6, censored: 4))
    }

    @Test func countsEntriesAtRiskIncludingThoseCensoredThatDay() {
        let km = KaplanMeier(Self.specExample)
        let expected = [(-1, 10), (0, 10), (1, 9), (3, 9), (4, 7), (5, 7), (6, 4), (8, 4), (9, 3), (12, 2), (13, 0)]
        for (t, n) in expected {
            #expect(km.atRisk(at: t) == n, "at risk at \(t)")
        }
    }

    // MARK: - Edge cases worked by hand

    @Test func allCensoredStaysAtZero() {
        let km = KaplanMeier(Self.times([(2, false), (5, false), (5, false), (9, false)]))
        #expect(km.steps.isEmpty)
        expectEstimate(km.estimate(at: 9), F: 0, low: 0, high: 0)
        #expect(km.estimate(at: 10) == nil)
        #expect(km.counts(at: 5) == .init(followed: 1, events: 0, censored: 3))
    }

    @Test func allEventsAtOneTimeReachSurvivalZero() {
        let km = KaplanMeier(Self.times([(7, true), (7, true), (7, true), (7, true)]))
        #expect(km.steps.count == 1)
        // n = d = 4: S = 0, the Greenwood term contributes 0, and the interval collapses.
        expectStep(km.steps[0], time: 7, atRisk: 4, events: 4, F: 1, low: 1, high: 1)
        #expect(km.steps[0].greenwood == 0)
        expectEstimate(km.estimate(at: 6), F: 0, low: 0, high: 0)
        expectEstimate(km.estimate(at: 7), F: 1, low: 1, high: 1)
        #expect(km.estimate(at: 8) == nil)
    }

    @Test func singleEventEntry() {
        let km = KaplanMeier(Self.times([(3, true)]))
        #expect(km.count == 1)
        #expect(km.maxTime == 3)
        expectStep(km.steps[0], time: 3, atRisk: 1, events: 1, F: 1, low: 1, high: 1)
        #expect(km.counts(at: 2) == .init(followed: 1, events: 0, censored: 0))
        #expect(km.counts(at: 3) == .init(followed: 0, events: 1, censored: 0))
    }

    @Test func singleCensoredEntry() {
        let km = KaplanMeier(Self.times([(3, false)]))
        #expect(km.steps.isEmpty)
        expectEstimate(km.estimate(at: 3), F: 0, low: 0, high: 0)
        #expect(km.counts(at: 3) == .init(followed: 0, events: 0, censored: 1))
    }

    @Test func emptyStratumEstimatesNothing() {
        let km = KaplanMeier([])
        #expect(km.count == 0)
        #expect(km.maxTime == nil)
        #expect(km.estimate(at: 0) == nil)
        #expect(km.atRisk(at: 0) == 0)
        #expect(km.counts(at: 0) == .init(followed: 0, events: 0, censored: 0))
    }

    @Test func eventsComeBeforeCensoringsAtTheSameTime() {
        // T = 2*, 2*, 2, 4*, 4, 6. At 2: n = 6, d = 2, S = 2/3, V = 2/24.
        // At 4: n = 3, d = 1, S = 4/9, V = 1/12 + 1/6 = 1/4.
        let km = KaplanMeier(Self.times([(2, true), (2, true), (2, false), (4, true), (4, false), (6, false)]))
        expectStep(km.steps[0], time: 2, atRisk: 6, events: 2, F: 1.0 / 3,
                   low: 0.09556583567748356, high: 0.8053833631937651)
        expectStep(km.steps[1], time: 4, atRisk: 3, events: 1, F: 5.0 / 9,
                   low: 0.21509163285204136, high: 0.9338132468535876)
        #expect(abs(km.steps[1].greenwood - 0.25) < 1e-12)
        #expect(km.counts(at: 4) == .init(followed: 1, events: 3, censored: 2))
    }

    @Test func eventAtTimeZeroCountsFromTheFirstDay() {
        // T = 0*, 0, 1*, 2. At 0: n = 4, d = 1, S = 3/4. At 1: n = 2, d = 1, S = 3/8.
        let km = KaplanMeier(Self.times([(0, true), (0, false), (1, true), (2, false)]))
        expectEstimate(km.estimate(at: 0), F: 0.25, low: 0.03945135771492159, high: 0.8720530824048542)
        expectEstimate(km.estimate(at: 1), F: 0.625, low: 0.19199892751865644, high: 0.9890288784251554)
        #expect(km.counts(at: 0) == .init(followed: 2, events: 1, censored: 1))
    }

    @Test func horizonBeforeTheFirstEventIsZeroWithADegenerateInterval() {
        let km = KaplanMeier(Self.times([(5, true), (7, false), (9, true)]))
        expectEstimate(km.estimate(at: 4), F: 0, low: 0, high: 0)
        #expect(km.counts(at: 4) == .init(followed: 3, events: 0, censored: 0))
    }

    // MARK: - Against brute force

    @Test func binarySearchesAgreeWithLinearCounts() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        let times = (0..<500).map { _ in SurvivalTime(days: next(60), isEvent: next(3) == 0) }
        let km = KaplanMeier(times)
        for t in -1...61 {
            #expect(km.atRisk(at: t) == times.count { $0.days >= t })
            let counts = km.counts(at: t)
            #expect(counts.followed == times.count { $0.days > t })
            #expect(counts.events == times.count { $0.isEvent && $0.days <= t })
            #expect(counts.censored == times.count { !$0.isEvent && $0.days <= t })
        }
        for step in km.steps {
            #expect(step.atRisk == times.count { $0.days >= step.time })
            #expect(step.events == times.count { $0.isEvent && $0.days == step.time })
        }
    }
}
