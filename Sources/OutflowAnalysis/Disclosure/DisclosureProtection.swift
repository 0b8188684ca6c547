// The two protections of docs/methods.md section 10, as pure functions of one count. Block
// midpoints protect the survival family: a stratum's size and its cumulative events,
// competing events and censorings are each replaced by the midpoint of their block of k, so
// every later figure (at risk, step heights, horizon counts, intervals) is a function of
// protected counts. Rounding protects tables: counts under k are suppressed, the rest are
// rounded to a multiple of b. With k = 1 and b = 1 both are the identity: that is how the
// exact tables for stewards are made, through the same code.

/// Disclosure control with threshold k (`minCell`) and rounding base b (`roundTo`).
public struct DisclosureProtection: Sendable, Equatable {
    /// k: the smallest count that may be published in a table.
    public let minCell: Int
    /// b: table counts are published as multiples of b.
    public let roundTo: Int

    public init(minCell: Int, roundTo: Int) {
        precondition(minCell >= 1 && roundTo >= 1, "protection needs k >= 1 and b >= 1")
        self.minCell = minCell
        self.roundTo = roundTo
    }

    /// No protection (k = b = 1): the true counts, for `restricted/exact/`.
    public static let off = DisclosureProtection(minCell: 1, roundTo: 1)

    /// True when nothing is protected: the report says "unprotected" on every page.
    public var isOff: Bool { minCell == 1 && roundTo == 1 }

    /// `mid(x)`: 0 for 0, else `ceil(x / k) * k - floor(k / 2)`; with k = 10, 1-10 become 5
    /// and 11-20 become 15.
    public func midpoint(_ x: Int) -> Int {
        precondition(x >= 0, "counts are never negative")
        guard x > 0 else { return 0 }
        return (x + minCell - 1) / minCell * minCell - minCell / 2
    }

    /// True when `x` is a value `midpoint` can produce.
    public func isMidpoint(_ x: Int) -> Bool {
        x == 0 || (x > 0 && (x + minCell / 2) % minCell == 0)
    }

    /// `r(x)`: 0 for 0, nil (suppressed) for 0 < x < k, else x rounded to the nearest
    /// multiple of b, halves up. When b does not divide k, rounding could fall below k (k = 7,
    /// b = 5: 7 would become 5); such a value is raised to the smallest multiple of b that is
    /// at least k, so no published table count is ever under k.
    public func rounded(_ x: Int) -> Int? {
        precondition(x >= 0, "counts are never negative")
        guard x > 0 else { return 0 }
        guard x >= minCell else { return nil }
        let nearest = (2 * x + roundTo) / (2 * roundTo) * roundTo
        return max(nearest, (minCell + roundTo - 1) / roundTo * roundTo)
    }

    /// True when `x` is a value `rounded` can produce: 0, or a multiple of b that is at least k.
    public func isRounded(_ x: Int) -> Bool {
        x == 0 || (x >= minCell && x % roundTo == 0)
    }
}
