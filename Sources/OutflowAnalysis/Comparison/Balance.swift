// The balance table of a matched comparison (docs/methods.md section 11): per variable the
// share (or mean) in each arm and the standardised mean difference, flagged above 0.1 in
// absolute value. Shares use the pooled Bernoulli variance, means the pooled sample variance.

import Foundation
import OutflowCore

/// One line of balance.csv.
public struct BalanceLine: Sendable, Equatable {
    public var variable: String
    /// The level of a categorical variable; empty for a mean.
    public var level: String
    public var exposed: Double
    public var comparison: Double
    public var smd: Double
    public var flagged: Bool { abs(smd) > 0.1 }

    public init(variable: String, level: String, exposed: Double, comparison: Double, smd: Double) {
        self.variable = variable
        self.level = level
        self.exposed = exposed
        self.comparison = comparison
        self.smd = smd
    }
}

/// Standardised mean differences.
public enum Balance {
    /// SMD of two shares: `(p1 - p2) / sqrt((p1 (1 - p1) + p2 (1 - p2)) / 2)`; 0 when both
    /// shares are 0 or both are 1.
    public static func smd(share p1: Double, _ p2: Double) -> Double {
        let pooled = (p1 * (1 - p1) + p2 * (1 - p2)) / 2
        return pooled > 0 ? (p1 - p2) / pooled.squareRoot() : 0
    }

    /// SMD of two means: `(m1 - m2) / sqrt((s1^2 + s2^2) / 2)` with sample variances; 0 when
    /// neither arm varies.
    public static func smd(means a: [Double], _ b: [Double]) -> Double {
        let (m1, v1) = meanAndVariance(a), (m2, v2) = meanAndVariance(b)
        let pooled = (v1 + v2) / 2
        return pooled > 0 ? (m1 - m2) / pooled.squareRoot() : 0
    }

    public static func meanAndVariance(_ x: [Double]) -> (mean: Double, variance: Double) {
        guard !x.isEmpty else { return (0, 0) }
        let mean = x.reduce(0, +) / Double(x.count)
        guard x.count > 1 else { return (mean, 0) }
        return (mean, x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count - 1))
    }

    /// A mean line.
    public static func mean(_ variable: String, exposed: [Double], comparison: [Double]) -> BalanceLine {
        BalanceLine(variable: variable, level: "", exposed: meanAndVariance(exposed).mean, comparison: meanAndVariance(comparison).mean,
                    smd: smd(means: exposed, comparison))
    }

    /// One line per level of a categorical variable (levels in ascending order; a missing
    /// value is the level `(unknown)`).
    public static func shares(_ variable: String, exposed: [String?], comparison: [String?]) -> [BalanceLine] {
        let a = exposed.map { $0 ?? "(unknown)" }, b = comparison.map { $0 ?? "(unknown)" }
        return Set(a + b).sorted().map { level in
            let p1 = a.isEmpty ? 0 : Double(a.filter { $0 == level }.count) / Double(a.count)
            let p2 = b.isEmpty ? 0 : Double(b.filter { $0 == level }.count) / Double(b.count)
            return BalanceLine(variable: variable, level: level, exposed: p1, comparison: p2, smd: smd(share: p1, p2))
        }
    }
}

/// The risk difference and risk ratio of two cumulative incidences with Wald intervals
/// (docs/methods.md section 11).
public enum RiskContrast {
    /// `cif1 - cif2 ± z sqrt(var1 + var2)`.
    public static func difference(_ a: (cif: Double, variance: Double), _ b: (cif: Double, variance: Double)) -> (estimate: Double, low: Double, high: Double) {
        let d = a.cif - b.cif, half = KaplanMeier.z * (a.variance + b.variance).squareRoot()
        return (d, d - half, d + half)
    }

    /// `cif1 / cif2` with the interval `exp(log RR ± z sqrt(var1 / cif1^2 + var2 / cif2^2))`
    /// (delta method on the log scale); nil when either incidence is 0.
    public static func ratio(_ a: (cif: Double, variance: Double), _ b: (cif: Double, variance: Double)) -> (estimate: Double, low: Double, high: Double)? {
        guard a.cif > 0, b.cif > 0 else { return nil }
        let log = Foundation.log(a.cif / b.cif)
        let half = KaplanMeier.z * (a.variance / (a.cif * a.cif) + b.variance / (b.cif * b.cif)).squareRoot()
        return (a.cif / b.cif, exp(log - half), exp(log + half))
    }
}
