// The pseudo-random numbers behind the synthetic inbox. xoshiro256** seeded through
// SplitMix64, with every draw done in integer or exactly-rounded arithmetic (no libm), so
// the same seed gives byte-identical files on every machine and toolchain. Independent
// streams (one per group, say) are derived from the seed and a stream number, so each
// part of the population can be regenerated on its own without replaying the others.

import OutflowCore
import OutflowCSV

// MARK: - Generator

/// A small, fast, seedable generator (xoshiro256**) with the draws the generator needs.
package struct SeededRandom: Sendable {
    private var s0, s1, s2, s3: UInt64

    /// A generator for `stream` under `seed`; different streams are independent.
    package init(seed: UInt64, stream: UInt64 = 0) {
        var mix = SplitMix64(state: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        _ = mix.next()
        s0 = mix.next(); s1 = mix.next(); s2 = mix.next(); s3 = mix.next()
    }

    /// The next 64 random bits.
    package mutating func next() -> UInt64 {
        let result = rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotate(s3, 45)
        return result
    }

    // MARK: - Draws

    /// A uniform integer in `range` (multiply-high reduction; the bias is below 2^-50).
    package mutating func int(_ range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next().multipliedFullWidth(by: span).high)
    }

    /// A uniform double in [0, 1).
    package mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// True with probability `p`.
    package mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// A bell-shaped integer within `mean ± spread` (the mean of three uniforms), for
    /// quantities such as days between two dated events.
    package mutating func around(_ mean: Int, spread: Int) -> Int {
        let a = int(-spread...spread), b = int(-spread...spread), c = int(-spread...spread)
        return mean + (a + b + c) / 3
    }

    /// An exponential waiting time with the given rate (per unit of time), by inverse
    /// transform through `DeterministicMath.log`, so the draw is the same on every machine.
    package mutating func exponential(rate: Double) -> Double {
        -DeterministicMath.log(1 - unit()) / rate
    }

    /// The index drawn from `weights`.
    package mutating func pick(_ weights: Weights) -> Int {
        let x = int(0...(weights.total - 1))
        var i = 0
        while weights.cumulative[i] <= x { i += 1 }
        return i
    }

    /// An element of `values` drawn with the matching `weights`.
    package mutating func pick<Value>(_ table: WeightedTable<Value>) -> Value {
        table.values[pick(table.weights)]
    }
}

// MARK: - Logarithms without libm

/// The natural logarithm from IEEE additions, multiplications and divisions only (each
/// exactly rounded), so generated files do not depend on a platform's `log`.
package enum DeterministicMath {
    private static let ln2 = 0.693147180559945309417232121458

    /// `ln(x)` for `x > 0`: `x = m * 2^e` with `m` in [1, 2), and
    /// `ln(m) = 2 atanh((m - 1) / (m + 1))` summed until the terms vanish.
    package static func log(_ x: Double) -> Double {
        precondition(x > 0 && x.isFinite, "log of a positive finite number")
        let e = Double(x.exponent)
        let m = x.significand
        let z = (m - 1) / (m + 1), z2 = z * z
        var term = z, sum = 0.0, k = 1.0
        while true {
            let next = sum + term / k
            if next == sum { break }
            sum = next
            term *= z2
            k += 2
        }
        return e * ln2 + 2 * sum
    }
}

// MARK: - Weighted choices

/// Integer weights of a discrete distribution, kept cumulative for drawing.
package struct Weights: Sendable {
    package let cumulative: [Int]
    package var total: Int { cumulative.last ?? 0 }

    package init(_ weights: [Int]) {
        precondition(!weights.isEmpty && weights.allSatisfy { $0 >= 0 }, "weights must be non-negative")
        var sum = 0
        cumulative = weights.map { sum += $0; return sum }
        precondition(sum > 0, "weights must not all be zero")
    }
}

/// Values with the weights they are drawn with.
package struct WeightedTable<Value: Sendable>: Sendable {
    package let values: [Value]
    package let weights: Weights

    package init(_ pairs: [(Value, Int)]) {
        values = pairs.map(\.0)
        weights = Weights(pairs.map(\.1))
    }
}

// MARK: - Seeding

/// SplitMix64, used only to spread a seed over xoshiro's state.
private struct SplitMix64 {
    var state: UInt64

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
    (value << count) | (value >> (64 - count))
}
