// The per-day counts every estimator of the survival family reads (docs/methods.md sections
// 6, 7 and 10): a stratum's size and, on each day something ends, its events, competing
// events and censorings. Kaplan-Meier, horizon counts, at-risk numbers and rates are all
// functions of a tally, so protecting the tally (block midpoints of the cumulative counts)
// protects every figure computed from it; the exact tally goes only to the stewards' copy.
//
// A stratum can hold a million entries but only a few thousand distinct days, so a tally
// stays small and its queries are binary searches.

/// How one entry's follow-up ended, for the tally.
public enum Ending: UInt8, Sendable, Hashable {
    /// The outcome: a first individual-care decision.
    case event
    /// An ending after which the outcome can no longer happen (age limit, death).
    case competing
    /// Follow-up stopped without either (end of data, moving out).
    case censored
}

/// Per-day endings of one stratum, exact or protected.
public struct SurvivalTally: Sendable, Equatable {
    /// The stratum's size (N, or N* when protected).
    public let total: Int
    /// Distinct days on which something ends, ascending.
    public let days: [Int]
    /// Events, competing events and censorings on each of `days`.
    public let events: [Int]
    public let competing: [Int]
    public let censored: [Int]
    /// Running totals of the three through each of `days`, for constant-time horizon counts.
    private let through: [(events: Int, competing: Int, censored: Int)]

    /// The tally of follow-up times in any order. Follow-up is bounded by the cut-off, so the
    /// times are counted in one slot per day of their range (three counts a day), not through
    /// a hash lookup per time, in two passes over the times (no copy of a million of them); a
    /// range far wider than the number of times (a tally built by hand, a stray time) is
    /// sorted instead.
    public init(_ times: some Collection<SurvivalTime>) {
        var low = Int.max, high = Int.min
        for time in times {
            low = min(low, time.days)
            high = max(high, time.days)
        }
        guard low <= high else {
            self.init(total: 0, days: [], events: [], competing: [], censored: [])
            return
        }
        var days: [Int] = [], events: [Int] = [], competing: [Int] = [], censored: [Int] = []
        func add(_ day: Int, _ counts: (Int, Int, Int)) {
            days.append(day)
            events.append(counts.0)
            competing.append(counts.1)
            censored.append(counts.2)
        }
        let (span, overflow) = high.subtractingReportingOverflow(low)
        let total = times.count
        if !overflow && span < max(1 << 16, total) {
            var counts = [Int32](repeating: 0, count: (span + 1) * 3)
            for time in times { counts[(time.days - low) * 3 + Int(time.ending.rawValue)] += 1 }
            for offset in 0...span where counts[offset * 3] | counts[offset * 3 + 1] | counts[offset * 3 + 2] != 0 {
                add(low + offset, (Int(counts[offset * 3]), Int(counts[offset * 3 + 1]), Int(counts[offset * 3 + 2])))
            }
        } else {
            var run: (day: Int, counts: (Int, Int, Int))?
            for time in times.sorted(by: { $0.days < $1.days }) {
                if let current = run, current.day != time.days {
                    add(current.day, current.counts)
                    run = nil
                }
                var counts = run?.counts ?? (0, 0, 0)
                switch time.ending {
                case .event: counts.0 += 1
                case .competing: counts.1 += 1
                case .censored: counts.2 += 1
                }
                run = (time.days, counts)
            }
            if let run { add(run.day, run.counts) }
        }
        self.init(total: total, days: days, events: events, competing: competing, censored: censored)
    }

    /// A tally from its parts; `days` ascending, one count of each kind per day.
    public init(total: Int, days: [Int], events: [Int], competing: [Int], censored: [Int]) {
        precondition(days.count == events.count && days.count == competing.count && days.count == censored.count,
                     "one count of each kind per day")
        self.total = total
        self.days = days
        self.events = events
        self.competing = competing
        self.censored = censored
        var running = (events: 0, competing: 0, censored: 0)
        through = days.indices.map { i in
            running.events += events[i]
            running.competing += competing[i]
            running.censored += censored[i]
            return running
        }
    }

    public static func == (a: SurvivalTally, b: SurvivalTally) -> Bool {
        (a.total, a.days, a.events, a.competing, a.censored) == (b.total, b.days, b.events, b.competing, b.censored)
    }

    /// The protected tally of docs/methods.md section 10: `N* = mid(N)`; the cumulative
    /// events `D`, competing events `M` and censorings `C` through each day are replaced by
    /// `mid(D)`, `mid(M)`, `mid(C)`, and the per-day counts are their differences. Days on
    /// which no protected count changes drop out. With k = 1 the tally is unchanged.
    public func protected(by protection: DisclosureProtection) -> SurvivalTally {
        var cumulative = (0, 0, 0), shown = (0, 0, 0)
        var days: [Int] = [], events: [Int] = [], competing: [Int] = [], censored: [Int] = []
        for i in self.days.indices {
            cumulative.0 += self.events[i]
            cumulative.1 += self.competing[i]
            cumulative.2 += self.censored[i]
            let next = (protection.midpoint(cumulative.0), protection.midpoint(cumulative.1), protection.midpoint(cumulative.2))
            guard next != shown else { continue }
            days.append(self.days[i])
            events.append(next.0 - shown.0)
            competing.append(next.1 - shown.1)
            censored.append(next.2 - shown.2)
            shown = next
        }
        return SurvivalTally(total: protection.midpoint(total), days: days, events: events, competing: competing, censored: censored)
    }

    // MARK: - Queries

    /// Events, competing events and censorings on days up to and including `day`.
    public func cumulative(through day: Int) -> (events: Int, competing: Int, censored: Int) {
        let end = days.lowerBound(day + 1) { $0 }
        return end == 0 ? (0, 0, 0) : through[end - 1]
    }

    /// Entries still at risk on day `t`: the size minus every ending before `t` (an entry
    /// that ends on `t` is still at risk on `t`). May be negative for a protected tally far
    /// in its tail, where the midpoints of the parts outgrow the midpoint of the whole.
    public func atRisk(at t: Int) -> Int {
        let before = cumulative(through: t - 1)
        return total - before.events - before.competing - before.censored
    }

    /// The sum of all follow-up days is not a count and is not part of the tally; the number
    /// of events is, for rates.
    public var eventCount: Int { events.reduce(0, +) }

    /// The last day on which anything ends; nil for an empty tally.
    public var lastDay: Int? { days.last }
}
