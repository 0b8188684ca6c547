// Strata of the published tables (spec/outputs.md): the whole cohort first, as
// `all`/`all`, then one block per configured variable with its values in ascending order
// (numbers numerically, text by code points, so the order never depends on the locale).

/// One stratum: a variable and one of its values.
public struct Stratum: Sendable, Hashable {
    public var variable: String
    public var value: String

    public static let all = Stratum(variable: "all", value: "all")
}

/// Groups items into the strata of a report.
public enum Strata {
    /// `all`, then each variable's values in ascending order, with the items of each.
    public static func split<T>(_ items: [T], variables: [String], value: (T, String) -> String) -> [(Stratum, [T])] {
        var result: [(Stratum, [T])] = [(.all, items)]
        for variable in variables {
            var groups: [String: [T]] = [:]
            for item in items { groups[value(item, variable), default: []].append(item) }
            for key in groups.keys.sorted(by: ascending) {
                result.append((Stratum(variable: variable, value: key), groups[key]!))
            }
        }
        return result
    }

    static func ascending(_ a: String, _ b: String) -> Bool {
        if let x = Int(a), let y = Int(b) { return x < y }
        return Array(a.unicodeScalars.map(\.value)).lexicographicallyPrecedes(b.unicodeScalars.map(\.value))
    }
}
