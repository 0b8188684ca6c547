// Outflow per 100 person-years with its exact Poisson (Garwood) interval, methods.md
// section 7. The interval comes from chi-square quantiles rather than a normal
// approximation because strata are small and event counts often in single figures.

import OutflowCore

/// An event rate per 100 person-years with its exact 95% Poisson interval (methods.md section 7).
public struct PoissonRate: Sendable, Hashable {
    /// Number of events, `k`.
    public let events: Int
    /// Follow-up in years, `sum(T) / 365.25`.
    public let personYears: Double
    /// `events / personYears * 100`; nil without person-time.
    public let ratePer100: Double?
    /// Garwood lower bound, `chi2inv(0.025, 2k) / 2` per 100 person-years (0 when `k = 0`).
    public let ciLow: Double?
    /// Garwood upper bound, `chi2inv(0.975, 2k + 2) / 2` per 100 person-years.
    public let ciHigh: Double?

    /// Days per year in the person-time denominator, as docs/methods.md fixes it.
    public static let daysPerYear = 365.25

    /// The rate for `events` over `personYears`; rate and interval are nil when there is no
    /// person-time to divide by.
    public init(events: Int, personYears: Double) {
        self.events = events
        self.personYears = personYears
        guard personYears > 0 else {
            ratePer100 = nil
            ciLow = nil
            ciHigh = nil
            return
        }
        let k = Double(events)
        let lowerCount = events == 0 ? 0 : ChiSquare.quantile(0.025, degreesOfFreedom: 2 * k) / 2
        let upperCount = ChiSquare.quantile(0.975, degreesOfFreedom: 2 * k + 2) / 2
        ratePer100 = k / personYears * 100
        ciLow = lowerCount / personYears * 100
        ciHigh = upperCount / personYears * 100
    }

    /// Person-years from a stratum's summed follow-up days (methods.md section 7).
    public static func personYears(fromDays totalDays: Int) -> Double {
        Double(totalDays) / daysPerYear
    }
}
