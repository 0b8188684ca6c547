// Chi-square quantiles and the incomplete gamma function behind them, against
// scipy 1.17.1 (`scipy.stats.chi2.ppf`, `scipy.special.gammainc`/`gammaincc`); the df = 2000,
// 200 and 1 values also agree with a 40-digit mpmath root to every printed digit.

import Foundation
import Testing
import OutflowCore
import OutflowAnalysis
import OutflowTestSupport

struct ChiSquareTests {
    struct Known: Sendable, CustomStringConvertible {
        let df: Double
        let p: Double
        let quantile: Double
        var description: String { "df \(df) p \(p)" }
    }

    /// scipy.stats.chi2.ppf(p, df).
    static let published: [Known] = [
        Known(df: 2, p: 0.025, quantile: 0.05063561596857975),
        Known(df: 2, p: 0.975, quantile: 7.377758908227871),
        Known(df: 4, p: 0.025, quantile: 0.4844185570879299),
        Known(df: 4, p: 0.975, quantile: 11.143286781877796),
        Known(df: 6, p: 0.025, quantile: 1.2373442457912027),
        Known(df: 6, p: 0.975, quantile: 14.44937533544792),
        Known(df: 10, p: 0.025, quantile: 3.2469727802368413),
        Known(df: 10, p: 0.975, quantile: 20.483177350807388),
        Known(df: 20, p: 0.025, quantile: 9.590777392264867),
        Known(df: 20, p: 0.975, quantile: 34.16960690283833),
        Known(df: 40, p: 0.025, quantile: 24.433039170807888),
        Known(df: 40, p: 0.975, quantile: 59.34170714317118),
        Known(df: 200, p: 0.025, quantile: 162.72798250184627),
        Known(df: 200, p: 0.975, quantile: 241.05789550631093),
        Known(df: 2000, p: 0.025, quantile: 1877.9460368153905),
        Known(df: 2000, p: 0.975, quantile: 2125.8423024497756),
    ]

    /// scipy.stats.chi2.ppf(p, df) away from the Garwood interval's usual corner.
    static let unusual: [Known] = [
        Known(df: 1, p: 0.5, quantile: 0.454936423119572),
        Known(df: 1, p: 0.975, quantile: 5.023886187314888),
        Known(df: 1, p: 0.025, quantile: 0.0009820691171752555),
        Known(df: 0.5, p: 0.3, quantile: 0.010982604948550948),
        Known(df: 3, p: 1e-10, quantile: 5.20939762143448e-07),
        Known(df: 7, p: 0.999999, quantile: 40.52183123411472),
        Known(df: 100_000, p: 0.025, quantile: 99125.37330064735),
        Known(df: 2_000_002, p: 0.975, quantile: 2003923.8238908644),
    ]

    @Test(arguments: published + unusual)
    func quantileMatchesScipy(_ known: Known) {
        let got = ChiSquare.quantile(known.p, degreesOfFreedom: known.df)
        #expect(abs(got - known.quantile) <= 1e-9 * known.quantile, "got \(got)")
    }

    /// Only up to df 2000: beyond it `P` itself carries an absolute error of about
    /// `df * 1e-17` from the `x^a e^-x` factor, which moves the quantile far less than 1e-9.
    @Test(arguments: published + unusual.filter { $0.df <= 2000 })
    func quantileInvertsTheDistributionFunction(_ known: Known) {
        let x = ChiSquare.quantile(known.p, degreesOfFreedom: known.df)
        #expect(abs(ChiSquare.cdf(x, degreesOfFreedom: known.df) - known.p) <= 1e-12)
    }

    @Test func twoDegreesOfFreedomHaveAClosedForm() {
        // chi2 with 2 df is exponential with mean 2: the quantile is -2 log(1 - p).
        for p in [0.001, 0.025, 0.3, 0.5, 0.975, 0.999] {
            let exact = -2 * log1p(-p)
            #expect(abs(ChiSquare.quantile(p, degreesOfFreedom: 2) - exact) <= 1e-12 * exact)
        }
    }

    @Test func quantileEdgesAndInvalidArguments() {
        #expect(ChiSquare.quantile(0, degreesOfFreedom: 4) == 0)
        #expect(ChiSquare.quantile(1, degreesOfFreedom: 4) == .infinity)
        #expect(ChiSquare.quantile(-0.1, degreesOfFreedom: 4).isNaN)
        #expect(ChiSquare.quantile(1.1, degreesOfFreedom: 4).isNaN)
        #expect(ChiSquare.quantile(0.5, degreesOfFreedom: 0).isNaN)
        #expect(ChiSquare.quantile(0.5, degreesOfFreedom: .infinity).isNaN)
        #expect(ChiSquare.quantile(.nan, degreesOfFreedom: 4).isNaN)
    }

    // MARK: - Incomplete gamma

    struct GammaPoint: Sendable, CustomStringConvertible {
        let a: Double
        let x: Double
        let lower: Double
        let upper: Double
        var description: String { "P(\(a), \(x))" }
    }

    /// scipy.special.gammainc(a, x) and gammaincc(a, x), on both sides of `x = a + 1` so the
    /// series and the continued fraction are each exercised.
    static let gammaPoints: [GammaPoint] = [
        GammaPoint(a: 0.5, x: 0.1, lower: 0.34527915398142317, upper: 0.6547208460185768),
        GammaPoint(a: 0.5, x: 2.0, lower: 0.9544997361036415, upper: 0.04550026389635857),
        GammaPoint(a: 1, x: 3.0, lower: 0.950212931632136, upper: 0.04978706836786395),
        GammaPoint(a: 5, x: 2.5, lower: 0.10882198108584877, upper: 0.8911780189141513),
        GammaPoint(a: 5, x: 10.0, lower: 0.9707473119230389, upper: 0.029252688076961124),
        GammaPoint(a: 1000, x: 950.0, lower: 0.055054686230738045, upper: 0.9449453137692619),
        GammaPoint(a: 1000, x: 1100.0, lower: 0.9989406767460701, upper: 0.0010593232539299773),
    ]

    @Test(arguments: gammaPoints)
    func regularizedGammaMatchesScipy(_ point: GammaPoint) {
        let got = ChiSquare.regularizedGamma(point.a, point.x)
        #expect(abs(got.lower - point.lower) <= 1e-12 * point.lower)
        #expect(abs(got.upper - point.upper) <= 1e-12 * point.upper)
    }

    @Test func regularizedGammaAtTheEndsAndOutsideItsDomain() {
        #expect(ChiSquare.regularizedGamma(3, 0) == (lower: 0, upper: 1))
        #expect(ChiSquare.regularizedGamma(3, .infinity) == (lower: 1, upper: 0))
        #expect(ChiSquare.regularizedGamma(0, 1).lower.isNaN)
        #expect(ChiSquare.regularizedGamma(.infinity, 1).lower.isNaN)
        #expect(ChiSquare.regularizedGamma(2, .nan).upper.isNaN)
    }
}
