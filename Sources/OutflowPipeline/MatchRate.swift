// A match rate between two sources: how many of a set of persons were found in another
// source, overall and broken down by role, group type and index year, because linkage
// error rarely hits all groups alike.

import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowAnalysis
import OutflowPublish

/// Linked and unlinked counts of one linkage question.
public struct MatchRate: Sendable, Equatable {
    public var name: String
    public var description: String
    public var linked: Int
    public var unlinked: Int
    /// Breakdowns: dimension -> value -> (linked, unlinked).
    public var breakdown: [(dimension: String, value: String, linked: Int, unlinked: Int)] = []

    public static func == (a: MatchRate, b: MatchRate) -> Bool {
        a.name == b.name && a.linked == b.linked && a.unlinked == b.unlinked
    }

    public var total: Int { linked + unlinked }
    /// Linked share in percent, nil when there is nobody to link.
    public var percent: Double? { total == 0 ? nil : 100 * Double(linked) / Double(total) }

    /// Counts persons by whether `isLinked` holds, broken down by the values `strata` gives
    /// each person's `key`. Persons are counted per key first and the (few) keys expanded
    /// into their breakdown values at the end, so a million persons cost a key each, not a
    /// list of texts each.
    public init<Key: Hashable>(name: String, description: String, persons: some Sequence<Int>, key: (Int) -> Key,
                               strata: (Key) -> [(String, String)], isLinked: (Int) -> Bool) {
        self.name = name
        self.description = description
        var byKey: [Key: (linked: Int, unlinked: Int)] = [:]
        var keys: [Key] = []
        for person in persons {
            let k = key(person)
            if byKey[k] == nil { keys.append(k); byKey[k] = (0, 0) }
            if isLinked(person) { byKey[k]!.linked += 1 } else { byKey[k]!.unlinked += 1 }
        }
        linked = byKey.values.reduce(0) { $0 + $1.linked }
        unlinked = byKey.values.reduce(0) { $0 + $1.unlinked }
        var cells: [String: [String: (Int, Int)]] = [:]
        var dimensions: [String] = []
        for k in keys {
            let count = byKey[k]!
            for (dimension, value) in strata(k) {
                if cells[dimension] == nil { dimensions.append(dimension); cells[dimension] = [:] }
                let cell = cells[dimension]![value] ?? (0, 0)
                cells[dimension]![value] = (cell.0 + count.linked, cell.1 + count.unlinked)
            }
        }
        for dimension in dimensions {
            for value in cells[dimension]!.keys.sorted(by: Strata.ascending) {
                let cell = cells[dimension]![value]!
                breakdown.append((dimension, value, cell.0, cell.1))
            }
        }
    }

    package func json() -> JSONValue {
        .object([
            ("name", .string(name)), ("description", .string(description)),
            ("linked", .int(linked)), ("unlinked", .int(unlinked)),
            ("percentLinked", percent.map { .double($0, decimals: 1) } ?? .null),
            ("breakdown", .array(breakdown.map { b in
                .object([("dimension", .string(b.dimension)), ("value", .string(b.value)), ("linked", .int(b.linked)),
                         ("unlinked", .int(b.unlinked)),
                         ("percentLinked", b.linked + b.unlinked == 0 ? .null : .double(100 * Double(b.linked) / Double(b.linked + b.unlinked), decimals: 1))])
            })),
        ])
    }
}
