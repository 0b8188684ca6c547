// Kaplan-Meier cumulative incidence with Greenwood variance and the log(-log) interval,
// exactly as docs/methods.md section 6 defines them, so that R `survival` (conf.type
// "log-log") and Python `lifelines` reproduce every published figure.
//
// A stratum can hold a whole municipality's history (a million entries), so the times are
// split into sorted event and censoring days once; the curve is one merge walk over them,
// and every later question (at risk, horizon counts, estimate) is a binary search.

import Foundation
import OutflowCore

/// One entry's follow-up: days from the index date to the first decision (an event), to a
/// competing event, or to censoring (methods.md sections 4 and 5).
public struct SurvivalTime: Sendable, Hashable {
    /// Days from the index date; the same day is 0.
    public var days: Int
    /// How follow-up ended.
    public var ending: Ending

    /// True when follow-up ended in an outcome decision.
    public var isEvent: Bool { ending == .event }

    public init(days: Int, ending: Ending) {
        self.days = days
        self.ending = ending
    }

    /// An event or a censoring (no competing events).
    public init(days: Int, isEvent: Bool) {
        self.init(days: days, ending: isEvent ? .event : .censored)
    }
}

/// The Kaplan-Meier estimate of cumulative incidence for one stratum (methods.md section 6).
public struct KaplanMeier: Sendable {
    /// The curve at one distinct event time, with the interval on cumulative incidence.
    public struct Step: Sendable, Hashable {
        public let time: Int
        /// Entries with `T >= time`, censorings at `time` included.
        public let atRisk: Int
        public let events: Int
        public let survival: Double
        /// Greenwood sum `V(t)` over all event times up to and including this one.
        public let greenwood: Double
        public let cumulativeIncidence: Double
        public let ciLow: Double
        public let ciHigh: Double
    }

    /// Cumulative incidence with its 95% interval at one time.
    public struct Estimate: Sendable, Hashable {
        public let cumulativeIncidence: Double
        public let ciLow: Double
        public let ciHigh: Double
    }

    /// Where the stratum's entries stand at a horizon `h`; the three counts sum to its size.
    public struct HorizonCounts: Sendable, Hashable {
        /// Entries with `T > h`.
        public let followed: Int
        /// Events with `T <= h`.
        public let events: Int
        /// Censorings with `T <= h`.
        public let censored: Int
            package init(followed: Int, events: Int, censored: Int) {
            self.followed = followed
            self.events = events
            self.censored = censored
        }
}

    /// The 0.975 quantile of the standard normal distribution, as docs/methods.md fixes it.
    public static let z = 1.959963984540054

    /// Number of entries in the stratum.
    public let count: Int
    /// Largest observed time, event or censoring; nil for an empty stratum.
    public let maxTime: Int?
    /// One step per distinct event time, in time order.
    public let steps: [Step]
    /// The per-day counts the curve was estimated from.
    public let tally: SurvivalTally

    /// Estimates the curve from entries in any order (any sequence, so a stratum's times need
    /// not be copied out of the cohort first).
    public init(_ times: some Collection<SurvivalTime>) {
        self.init(tally: SurvivalTally(times))
    }

    /// Estimates the curve from per-day counts, exact or protected: competing events count
    /// as censorings here (section 6).
    public init(tally: SurvivalTally) {
        self.tally = tally
        count = tally.total
        maxTime = tally.lastDay
        steps = KaplanMeier.steps(tally)
    }

    // MARK: - Queries

    /// Cumulative incidence at `t` from the largest event time `<= t` (0 with `[0, 0]` before
    /// the first event); nil when `t` lies past the largest observed time, which docs/methods.md
    /// calls not estimable, or the stratum is empty.
    public func estimate(at t: Int) -> Estimate? {
        guard let maxTime, t <= maxTime else { return nil }
        return value(at: t)
    }

    /// Cumulative incidence at `t` from the largest event time `<= t`, whatever the follow-up:
    /// the disclosure gate decides on the (protected) number at risk instead.
    public func value(at t: Int) -> Estimate {
        let reached = steps.lowerBound(t + 1) { $0.time }
        guard reached > 0 else { return Estimate(cumulativeIncidence: 0, ciLow: 0, ciHigh: 0) }
        let step = steps[reached - 1]
        return Estimate(cumulativeIncidence: step.cumulativeIncidence, ciLow: step.ciLow, ciHigh: step.ciHigh)
    }

    /// Number of entries with `T >= t`, the at-risk count the curve grid is gated on.
    public func atRisk(at t: Int) -> Int {
        tally.atRisk(at: t)
    }

    /// The followed, event and censored counts published beside the estimate at `horizon`
    /// (competing events are counted with the censorings here).
    public func counts(at horizon: Int) -> HorizonCounts {
        let through = tally.cumulative(through: horizon)
        let censored = through.censored + through.competing
        return HorizonCounts(followed: count - through.events - censored, events: through.events, censored: censored)
    }

    // MARK: - Estimation

    /// Walks the tally's days once. The number at risk on a day counts every entry not yet
    /// ended before it; a protected tally can run out of entries in its tail, where a step
    /// takes at most the entries left.
    private static func steps(_ tally: SurvivalTally) -> [Step] {
        var steps: [Step] = []
        var survival = 1.0
        var greenwood = 0.0
        var atRisk = tally.total
        for i in tally.days.indices {
            let died = min(tally.events[i], max(atRisk, 0))
            if died > 0 {
                survival *= 1 - Double(died) / Double(atRisk)
                if atRisk > died {
                    greenwood += Double(died) / (Double(atRisk) * Double(atRisk - died))
                }
                let interval = survivalInterval(survival: survival, greenwood: greenwood)
                steps.append(Step(
                    time: tally.days[i], atRisk: atRisk, events: died, survival: survival, greenwood: greenwood,
                    cumulativeIncidence: 1 - survival, ciLow: 1 - interval.high, ciHigh: 1 - interval.low))
            }
            atRisk -= tally.events[i] + tally.competing[i] + tally.censored[i]
        }
        return steps
    }

    /// The 95% log(-log) ("exponential Greenwood") interval on `S`; degenerate at 1 and 0,
    /// where `log(-log S)` does not exist.
    public static func survivalInterval(survival: Double, greenwood: Double) -> (low: Double, high: Double) {
        guard survival > 0, survival < 1 else { return (survival, survival) }
        let logSurvival = log(survival)
        let centre = log(-logSurvival)
        let halfWidth = z * greenwood.squareRoot() / abs(logSurvival)
        return (exp(-exp(centre + halfWidth)), exp(-exp(centre - halfWidth)))
    }
}
