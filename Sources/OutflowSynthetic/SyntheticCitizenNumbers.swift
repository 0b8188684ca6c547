// Citizen numbers (BSN) for generated people. Each person number maps straight to a
// distinct 9-digit number that passes the elfproef, so the generator needs no set of
// numbers already used: the first seven digits walk on from a seeded start, and the last
// two are the `slot`-th valid completion of those seven (every seven-digit prefix has at
// least eight). The numbers only ever reach the pseudonymiser, never a file.

import OutflowCore
import OutflowCSV

/// Maps person numbers to unique, elfproef-valid citizen numbers.
package struct SyntheticCitizenNumbers: Sendable {
    /// Completions used per seven-digit prefix; every prefix has at least this many.
    private static let slots = 8
    private static let prefixes = 9_000_000
    /// How many distinct person numbers there are.
    package static let capacity = slots * prefixes

    private let start: Int

    package init(seed: UInt64) {
        var random = SeededRandom(seed: seed, stream: 0xB5)
        start = random.int(0...(SyntheticCitizenNumbers.prefixes - 1))
    }

    /// The 9 ASCII digits of person `person` (0 ..< capacity).
    package func number(for person: Int) -> String {
        precondition(person >= 0 && person < SyntheticCitizenNumbers.capacity, "person number out of range")
        // Prefixes start at 1000000 so the first digit is never 0.
        let prefix = 1_000_000 + (start + person / SyntheticCitizenNumbers.slots) % SyntheticCitizenNumbers.prefixes
        var slot = person % SyntheticCitizenNumbers.slots
        // Weights 9..3 of digits d1..d7, read from the last digit up.
        var weighted = 0
        var rest = prefix
        for weight in 3...9 {
            weighted += weight * (rest % 10)
            rest /= 10
        }
        for d8 in 0...9 {
            let d9 = (weighted + 2 * d8) % 11
            guard d9 <= 9, weighted + 2 * d8 - d9 != 0 else { continue }
            if slot > 0 {
                slot -= 1
                continue
            }
            return String(unsafeUninitializedCapacity: 9) { out in
                var p = prefix
                for i in stride(from: 6, through: 0, by: -1) {
                    out[i] = 0x30 + UInt8(p % 10)
                    p /= 10
                }
                out[7] = 0x30 + UInt8(d8)
                out[8] = 0x30 + UInt8(d9)
                return 9
            }
        }
        preconditionFailure("every seven-digit prefix has eight valid completions")
    }
}
