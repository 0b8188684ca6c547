// Aalen-Johansen cumulative incidence of the outcome in the presence of competing events
// (age limit, death), with the delta-method variance and the log(-log) interval, exactly as
// docs/methods.md section 6b defines them. Kaplan-Meier (section 6) answers "what share would
// need care if nobody aged out"; this estimator answers "what share received care before the
// age limit". With no competing events the two curves are the same (the intervals are not).
//
// Like Kaplan-Meier it is built from a stratum's per-day counts (`SurvivalTally`), exact or
// protected, in one walk over the tally's days. The variance at a time t is a sum over all
// earlier days of terms weighted by how far the curve has risen since (CIF(t) - CIF(t_i));
// those sums are carried forward as the curve rises, so the walk stays linear in the number
// of days however long the follow-up.

import Foundation
import OutflowCore

/// The Aalen-Johansen estimate of the cumulative incidence function of one stratum
/// (docs/methods.md section 6b).
public struct AalenJohansen: Sendable {
    /// The curve at one day with outcome events.
    public struct Step: Sendable, Hashable {
        public let time: Int
        /// `n_i`: entries with `T >= time` (endings of any kind on `time` included).
        public let atRisk: Int
        /// `d_i`: outcome events on `time`.
        public let events: Int
        /// `m_i`: competing events on `time`.
        public let competing: Int
        /// `S(t_i-)`: the Kaplan-Meier survival from any event or competing event, just
        /// before `time` (1 before the first day).
        public let survivalBefore: Double
        /// `CIF(time)`.
        public let cif: Double
        /// The delta-method variance `Var(time)`.
        public let variance: Double
        public let low: Double
        public let high: Double
    }

    /// The cumulative incidence with its 95% interval at one time.
    public struct Estimate: Sendable, Hashable {
        public let cif: Double
        public let low: Double
        public let high: Double

        public init(cif: Double, low: Double, high: Double) {
            self.cif = cif
            self.low = low
            self.high = high
        }
    }

    /// Number of entries in the stratum.
    public let count: Int
    /// Largest observed time of any ending; nil for an empty stratum.
    public let maxTime: Int?
    /// One step per day with outcome events, in time order.
    public let steps: [Step]
    /// The per-day counts the curve was estimated from.
    public let tally: SurvivalTally

    /// Estimates the curve from entries in any order.
    public init(_ times: some Collection<SurvivalTime>) {
        self.init(tally: SurvivalTally(times))
    }

    /// Estimates the curve from per-day counts, exact or protected (docs/methods.md section 10:
    /// the estimator runs on the protected counts exactly as on true ones).
    public init(tally: SurvivalTally) {
        self.tally = tally
        count = tally.total
        maxTime = tally.lastDay
        steps = AalenJohansen.steps(tally)
    }

    // MARK: - Queries

    /// The estimate at `t` from the last day with events `<= t` (0 with `[0, 0]` before the
    /// first event); nil past the largest observed time (not estimable) or for an empty stratum.
    public func estimate(at t: Int) -> Estimate? {
        guard let maxTime, t <= maxTime else { return nil }
        return value(at: t)
    }

    /// The estimate at `t` from the last day with events `<= t`, whatever the follow-up: the
    /// disclosure gate decides on the (protected) number at risk instead. The curve and its
    /// variance only change on days with events: a day with competing events alone adds a
    /// variance term that is zero until the curve next rises.
    public func value(at t: Int) -> Estimate {
        let reached = steps.lowerBound(t + 1) { $0.time }
        guard reached > 0 else { return Estimate(cif: 0, low: 0, high: 0) }
        let step = steps[reached - 1]
        return Estimate(cif: step.cif, low: step.low, high: step.high)
    }

    /// The delta-method variance of the estimate at `t` (0 before the first event), for the
    /// comparison's risk difference and ratio.
    public func variance(at t: Int) -> Double {
        let reached = steps.lowerBound(t + 1) { $0.time }
        return reached > 0 ? steps[reached - 1].variance : 0
    }

    // MARK: - Estimation

    /// Walks the tally's days once. On day i with `n` at risk, `d` events and `m` competing
    /// events (`e = d + m`), the curve rises by `S(t_i-) d / n` and the survival from any
    /// ending falls by the factor `1 - e / n`.
    ///
    /// The three sums of the variance (section 6b) at the current time t are kept as running
    /// values: `first = sum (CIF(t) - CIF(t_i))^2 w_i` with `w_i = e_i / (n_i (n_i - e_i))`,
    /// `second = sum S(t_i-)^2 d_i (n_i - d_i) / n_i^3` and `third = sum (CIF(t) - CIF(t_i)) u_i`
    /// with `u_i = S(t_i-) d_i / n_i^2`. When the curve rises by `delta`, every distance grows by
    /// `delta`, so `first` gains `2 delta sum (CIF(t) - CIF(t_i)) w_i + delta^2 sum w_i` and `third`
    /// gains `delta sum u_i`; the day's own terms then enter at distance 0. Every running value is
    /// a sum of non-negative parts: no cancellation.
    ///
    /// A protected tally can run out of entries in its tail (the midpoints of the parts
    /// outgrow the midpoint of the whole): a day takes at most the entries left, events first,
    /// and a day with nobody left changes nothing.
    private static func steps(_ tally: SurvivalTally) -> [Step] {
        var steps: [Step] = []
        var survival = 1.0, cif = 0.0
        var first = 0.0, second = 0.0, third = 0.0
        var weights = 0.0           // sum w_i
        var weightedDistance = 0.0  // sum (CIF(t) - CIF(t_i)) w_i
        var thirdWeights = 0.0      // sum u_i
        var atRisk = tally.total
        for i in tally.days.indices {
            let left = max(atRisk, 0)
            let d = min(tally.events[i], left)
            let m = min(tally.competing[i], left - d)
            let e = d + m
            if e > 0 {
                let n = Double(atRisk)
                let before = survival
                let delta = before * Double(d) / n
                if delta > 0 {
                    first += 2 * delta * weightedDistance + delta * delta * weights
                    weightedDistance += delta * weights
                    third += delta * thirdWeights
                    cif += delta
                }
                // The day's own terms, at distance 0 from the current time; a first-sum term
                // with n = e contributes 0.
                if atRisk > e { weights += Double(e) / (n * Double(atRisk - e)) }
                second += before * before * Double(d) * Double(atRisk - d) / (n * n * n)
                thirdWeights += before * Double(d) / (n * n)
                survival = e == atRisk ? 0 : before * (1 - Double(e) / n)
                if d > 0 {
                    let variance = max(first + second - 2 * third, 0)
                    let interval = cifInterval(cif: cif, variance: variance)
                    steps.append(Step(time: tally.days[i], atRisk: atRisk, events: d, competing: m, survivalBefore: before,
                                      cif: cif, variance: variance, low: interval.low, high: interval.high))
                }
            }
            atRisk -= tally.events[i] + tally.competing[i] + tally.censored[i]
        }
        return steps
    }

    /// The 95% log(-log) interval on the cumulative incidence:
    /// `exp(-exp(log(-log CIF) +- z sqrt(Var) / (CIF |log CIF|)))`, the smaller value the lower
    /// bound; `[0, 0]` where `CIF = 0` and `[1, 1]` where `CIF = 1`, where `log(-log CIF)` does
    /// not exist.
    public static func cifInterval(cif: Double, variance: Double) -> (low: Double, high: Double) {
        guard cif > 0 else { return (0, 0) }
        guard cif < 1 else { return (1, 1) }
        let logCIF = log(cif)
        let centre = log(-logCIF)
        let halfWidth = KaplanMeier.z * variance.squareRoot() / (cif * abs(logCIF))
        let a = exp(-exp(centre + halfWidth)), b = exp(-exp(centre - halfWidth))
        return (min(a, b), max(a, b))
    }
}
