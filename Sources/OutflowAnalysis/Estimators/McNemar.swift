// The before-and-after comparison of methods.md section 8: a paired 2x2 table of care in
// the window before the group and outflow in the window after it, tested with the exact
// McNemar test.
//
// The exact test is a two-sided binomial test with p = 1/2 on the discordant pairs, whose
// null distribution is symmetric, so its p-value is twice the smaller tail. The tail is
// summed in log space from its largest term downwards so that a hundred thousand
// discordant pairs neither overflow the binomial coefficients nor underflow 2^-n.

import Foundation
import OutflowCore

/// The paired before/after table with both proportions and the exact McNemar p-value
/// (methods.md section 8).
public struct BeforeAfterTable: Sendable, Hashable {
    /// Care before and outflow after.
    public let yesYes: Int
    /// Care before, no outflow after.
    public let yesNo: Int
    /// No care before, outflow after.
    public let noYes: Int
    /// Neither.
    public let noNo: Int
    public let total: Int
    /// Share with care before, `(yesYes + yesNo) / total`; nil for an empty table.
    public let proportionBefore: Double?
    /// Share with outflow after, `(yesYes + noYes) / total`; nil for an empty table.
    public let proportionAfter: Double?
    /// Two-sided exact McNemar p-value on the discordant pairs; 1 when there are none.
    public let exactMcNemarP: Double

    /// Builds the table from its four cells, which must not be negative.
    public init(yesYes: Int, yesNo: Int, noYes: Int, noNo: Int) {
        self.yesYes = yesYes
        self.yesNo = yesNo
        self.noYes = noYes
        self.noNo = noNo
        total = yesYes + yesNo + noYes + noNo
        proportionBefore = total == 0 ? nil : Double(yesYes + yesNo) / Double(total)
        proportionAfter = total == 0 ? nil : Double(yesYes + noYes) / Double(total)
        exactMcNemarP = BeforeAfterTable.exactMcNemarP(yesNo: yesNo, noYes: noYes)
    }

    // MARK: - Exact test

    /// `min(1, 2 * sum_{i <= min(b, c)} C(b + c, i) / 2^(b + c))` for discordant counts
    /// `b = yesNo` and `c = noYes` (methods.md section 8).
    public static func exactMcNemarP(yesNo b: Int, noYes c: Int) -> Double {
        let n = b + c
        let smaller = min(b, c)
        guard n > 0, 2 * smaller < n else { return 1 }
        let logLargestTerm = logBinomial(n, smaller) - Double(n) * log(2.0)
        // Terms relative to the largest, C(n, i - 1) / C(n, i) = i / (n - i + 1); they fall
        // at least geometrically, so the sum stops once they no longer change it.
        var relativeSum = 1.0
        var relativeTerm = 1.0
        var i = smaller
        while i > 0 {
            relativeTerm *= Double(i) / Double(n - i + 1)
            relativeSum += relativeTerm
            if relativeTerm < relativeSum * Double.ulpOfOne { break }
            i -= 1
        }
        return min(1, 2 * exp(logLargestTerm + log(relativeSum)))
    }

    /// `log C(n, k)` through log-gamma, finite however large `n` is.
    private static func logBinomial(_ n: Int, _ k: Int) -> Double {
        let whole: Double = lgamma(Double(n) + 1)
        let parts: Double = lgamma(Double(k) + 1) + lgamma(Double(n - k) + 1)
        return whole - parts
    }
}
