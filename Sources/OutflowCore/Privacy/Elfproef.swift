// The elfproef (eleven test) on Dutch citizen service numbers (BSN), used twice: by
// `outflow pseudonymise` to reject mistyped numbers before they become pseudonyms, and by the
// loader to refuse any column that looks like raw citizen numbers, which must never be loaded
// (docs/delivery-contract.md, "Pseudonyms and keys"). Both run on raw bytes, once per value.

/// The BSN check: 9 ASCII digits d1..d9 whose sum 9*d1 + 8*d2 + ... + 2*d8 - d9 is a
/// non-zero multiple of 11.
public enum Elfproef {
    /// Whether `digits` is exactly 9 ASCII digits passing the elfproef.
    @inlinable
    public static func isValid(_ digits: UnsafeBufferPointer<UInt8>) -> Bool {
        guard digits.count == 9 else { return false }
        var sum = 0
        for i in 0..<9 {
            let digit = digits[i] &- UInt8(ascii: "0")
            guard digit < 10 else { return false }
            // The weights run 9 down to 2, and the check digit counts negatively.
            sum += (i == 8 ? -1 : 9 - i) * Int(digit)
        }
        return sum != 0 && sum % 11 == 0
    }

    /// Whether `text` is exactly 9 ASCII digits passing the elfproef.
    public static func isValid(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isValid($0) }
    }
}

// MARK: - Column screen

/// Watches every value of one input column and says whether the column looks like raw
/// citizen numbers: more than half of its non-empty values pass the elfproef.
public struct CitizenNumberScreen: Sendable {
    // Visible to inlined code: a load screens every field of every row, across targets.
    @usableFromInline var nonEmpty = 0
    @usableFromInline var passing = 0

    /// A screen that has seen no values.
    public init() {}

    /// Counts one value; empty values say nothing about the column and are ignored.
    @inlinable
    public mutating func observe(_ value: UnsafeBufferPointer<UInt8>) {
        guard !value.isEmpty else { return }
        nonEmpty += 1
        if Elfproef.isValid(value) { passing += 1 }
    }

    /// True when at least one non-empty value was seen and most of them pass the elfproef.
    public var looksLikeCitizenNumbers: Bool { nonEmpty > 0 && passing * 2 > nonEmpty }
}
