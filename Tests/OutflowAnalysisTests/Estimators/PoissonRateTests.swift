// Rates per 100 person-years with the Garwood interval of methods.md section 7. Expected
// bounds are scipy 1.17.1: `chi2.ppf(0.025, 2k) / 2` and `chi2.ppf(0.975, 2k + 2) / 2`,
// divided by the person-years, times 100.

import Testing
import OutflowCore
import OutflowAnalysis
import OutflowTestSupport

struct PoissonRateTests {
    struct Known: Sendable, CustomStringConvertible {
        let events: Int
        let personYears: Double
        let rate: Double
        let low: Double
        let high: Double
        var description: String { "\(events) events in \(personYears) years" }
    }

    static let scipy: [Known] = [
        Known(events: 0, personYears: 12.5, rate: 0, low: 0, high: 29.51103563291148),
        Known(events: 1, personYears: 3.0, rate: 33.33333333333333, low: 0.8439269328096626, high: 185.72144636462994),
        Known(events: 5, personYears: 40.0, rate: 12.5, low: 4.058715975296052, high: 29.170830198306675),
        Known(events: 30, personYears: 250.0, rate: 12.0, low: 8.096349608568367, high: 17.130746157923067),
        Known(events: 1000, personYears: 8000.0, rate: 12.5, low: 11.73716273009619, high: 13.299401700203772),
    ]

    @Test(arguments: scipy)
    func garwoodIntervalMatchesScipy(_ known: Known) throws {
        let rate = PoissonRate(events: known.events, personYears: known.personYears)
        #expect(rate.events == known.events)
        #expect(rate.personYears == known.personYears)
        let value = try #require(rate.ratePer100)
        let low = try #require(rate.ciLow)
        let high = try #require(rate.ciHigh)
        #expect(abs(value - known.rate) <= 1e-12 * max(1, known.rate))
        #expect(abs(low - known.low) <= 1e-9 * max(1, known.low))
        #expect(abs(high - known.high) <= 1e-9 * known.high)
    }

    @Test func zeroEventsHaveLowerBoundZeroAndUpperMinusLogOfTwoAndAHalfPercent() throws {
        // chi2inv(0.975, 2) / 2 = -log(0.025) exactly, per one person-year.
        let rate = PoissonRate(events: 0, personYears: 1)
        #expect(rate.ciLow == 0)
        let high = try #require(rate.ciHigh)
        #expect(abs(high - 368.88794541139363) <= 1e-9)
    }

    @Test func noPersonTimeHasNoRate() {
        let rate = PoissonRate(events: 0, personYears: 0)
        #expect(rate.ratePer100 == nil)
        #expect(rate.ciLow == nil)
        #expect(rate.ciHigh == nil)
    }

    @Test func personYearsUseJulianYears() {
        #expect(PoissonRate.personYears(fromDays: 0) == 0)
        #expect(PoissonRate.personYears(fromDays: 1461) == 4)
        #expect(PoissonRate.personYears(fromDays: 365) == 365 / 365.25)
    }
}
