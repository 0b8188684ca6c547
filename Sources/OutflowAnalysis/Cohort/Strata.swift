// Strata of the published tables (docs/outputs.md): the whole cohort first, as
// `all`/`all`, then one block per configured variable with its values in ascending order
// (numbers numerically, bands such as `6-10` by their first number, text by code points, so
// the order never depends on the locale).

import OutflowCore

/// One stratum: a variable and one of its values.
public struct Stratum: Sendable, Hashable {
    public var variable: String
    public var value: String

    public static let all = Stratum(variable: "all", value: "all")
    package init(variable: String, value: String) {
        self.variable = variable
        self.value = value
    }
}

/// Groups items into the strata of a report.
public enum Strata {
    /// `all`, then each variable's values in ascending order, with the items of each.
    public static func split<T>(_ items: [T], variables: [String], value: (T, String) -> String) -> [(Stratum, [T])] {
        [(.all, items)] + variables.flatMap { blocks(items, variable: $0, value: value) }
    }

    /// One variable's values in ascending order, with the items of each.
    public static func blocks<T>(_ items: [T], variable: String, value: (T, String) -> String) -> [(Stratum, [T])] {
        var groups: [String: [T]] = [:]
        for item in items { groups[value(item, variable), default: []].append(item) }
        return groups.keys.sorted(by: ascending).map { (Stratum(variable: variable, value: $0), groups[$0]!) }
    }

    /// Numbers numerically; values that both start with a number (`1-5`, `6-10`, `11+`) by
    /// that number first; everything else by code points.
    package static func ascending(_ a: String, _ b: String) -> Bool {
        if let x = Int(a), let y = Int(b) { return x < y }
        if let x = leadingNumber(a), let y = leadingNumber(b), x != y { return x < y }
        return Array(a.unicodeScalars.map(\.value)).lexicographicallyPrecedes(b.unicodeScalars.map(\.value))
    }

    private static func leadingNumber(_ s: String) -> Int? {
        let digits = s.unicodeScalars.prefix { $0.value >= 0x30 && $0.value <= 0x39 }
        return digits.isEmpty || digits.count > 18 ? nil : Int(String(String.UnicodeScalarView(digits)))
    }
}
