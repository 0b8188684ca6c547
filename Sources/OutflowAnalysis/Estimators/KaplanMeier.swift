// Kaplan-Meier cumulative incidence with Greenwood variance and the log(-log) interval,
// exactly as docs/methods.md section 6 defines them, so that R `survival` (conf.type
// "log-log") and Python `lifelines` reproduce every published figure.
//
// A stratum can hold a whole municipality's history (a million entries), so the times are
// split into sorted event and censoring days once; the curve is one merge walk over them,
// and every later question (at risk, horizon counts, estimate) is a binary search.

import Foundation
import OutflowCore

/// One entry's follow-up: days from the index date to the first decision (an event) or to
/// censoring (methods.md sections 4 and 5).
public struct SurvivalTime: Sendable, Hashable {
    /// Days from the index date; the same day is 0.
    public var days: Int
    /// True when follow-up ended in an outcome decision, false when it was censored.
    public var isEvent: Bool

    public init(days: Int, isEvent: Bool) {
        self.days = days
        self.isEvent = isEvent
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

    /// Event and censoring times as distinct days with running totals: a few thousand
    /// values whatever the stratum's size, so the strata of a million entries stay small.
    private let eventDays: DayTally
    private let censoringDays: DayTally

    /// Estimates the curve from entries in any order (any sequence, so a stratum's times need
    /// not be copied out of the cohort first).
    public init(_ times: some Sequence<SurvivalTime>) {
        var events: [Int] = []
        var censorings: [Int] = []
        for time in times {
            if time.isEvent { events.append(time.days) } else { censorings.append(time.days) }
        }
        events.sort()
        censorings.sort()
        eventDays = DayTally(sorted: events)
        censoringDays = DayTally(sorted: censorings)
        count = events.count + censorings.count
        maxTime = [events.last, censorings.last].compactMap { $0 }.max()
        steps = KaplanMeier.steps(events: events, censorings: censorings)
    }

    // MARK: - Queries

    /// Cumulative incidence at `t` from the largest event time `<= t` (0 with `[0, 0]` before
    /// the first event); nil when `t` lies past the largest observed time, which docs/methods.md calls
    /// not estimable, or the stratum is empty.
    public func estimate(at t: Int) -> Estimate? {
        guard let maxTime, t <= maxTime else { return nil }
        let reached = steps.partitionPoint { $0.time > t }
        guard reached > 0 else { return Estimate(cumulativeIncidence: 0, ciLow: 0, ciHigh: 0) }
        let step = steps[reached - 1]
        return Estimate(cumulativeIncidence: step.cumulativeIncidence, ciLow: step.ciLow, ciHigh: step.ciHigh)
    }

    /// Number of entries with `T >= t`, the at-risk count the curve grid is gated on.
    public func atRisk(at t: Int) -> Int {
        count - eventDays.count(before: t) - censoringDays.count(before: t)
    }

    /// The followed, event and censored counts published beside the estimate at `horizon`.
    public func counts(at horizon: Int) -> HorizonCounts {
        let events = eventDays.count(before: horizon + 1)
        let censored = censoringDays.count(before: horizon + 1)
        return HorizonCounts(followed: count - events - censored, events: events, censored: censored)
    }

    // MARK: - Estimation

    /// Walks the distinct event times once; censorings are consumed only when strictly
    /// earlier, because an entry censored at `t` is still at risk at `t`.
    private static func steps(events: [Int], censorings: [Int]) -> [Step] {
        var steps: [Step] = []
        var survival = 1.0
        var greenwood = 0.0
        var first = 0
        var censoredBefore = 0
        while first < events.count {
            let time = events[first]
            var next = first
            while next < events.count, events[next] == time { next += 1 }
            while censoredBefore < censorings.count, censorings[censoredBefore] < time { censoredBefore += 1 }
            let died = next - first
            let atRisk = events.count - first + censorings.count - censoredBefore
            survival *= 1 - Double(died) / Double(atRisk)
            if atRisk > died {
                greenwood += Double(died) / (Double(atRisk) * Double(atRisk - died))
            }
            let interval = survivalInterval(survival: survival, greenwood: greenwood)
            steps.append(Step(
                time: time, atRisk: atRisk, events: died, survival: survival, greenwood: greenwood,
                cumulativeIncidence: 1 - survival, ciLow: 1 - interval.high, ciHigh: 1 - interval.low))
            first = next
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

// MARK: - Binary search

extension RandomAccessCollection where Index == Int {
    /// Index of the first element for which `isAbove` holds, in a collection where it is
    /// false for a prefix and true for the rest; also the length of that prefix.
    fileprivate func partitionPoint(where isAbove: (Element) -> Bool) -> Int {
        var low = startIndex
        var high = endIndex
        while low < high {
            let middle = low + (high - low) / 2
            if isAbove(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

/// Sorted times kept as distinct days and how many times fall on or before each.
private struct DayTally: Sendable {
    private var days: [Int] = []
    private var through: [Int] = []

    init(sorted times: [Int]) {
        for day in times {
            if days.last == day { through[through.count - 1] += 1 } else {
                days.append(day)
                through.append((through.last ?? 0) + 1)
            }
        }
    }

    /// How many times are earlier than `t`.
    func count(before t: Int) -> Int {
        let k = days.partitionPoint { $0 >= t }
        return k == 0 ? 0 : through[k - 1]
    }
}
