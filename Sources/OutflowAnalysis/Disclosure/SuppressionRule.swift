// The disclosure rules of methods.md section 10 as small functions: which counts are
// small, when a whole row goes, and secondary suppression so that a suppressed value
// cannot be recovered from a published total by subtraction.

import OutflowCore

/// Disclosure control with threshold k = `minCell`.
public struct SuppressionRule: Sendable {
    public var minCell: Int

    public init(minCell: Int) { self.minCell = minCell }

    /// A count that must not be published: 0 < n < k.
    public func isSmall(_ n: Int) -> Bool { n > 0 && n < minCell }

    /// A count cell after primary suppression.
    public func count(_ n: Int) -> Cell { isSmall(n) ? .suppressed : .count(n) }

    /// A figure whose denominator is below k is suppressed.
    public func figure(_ cell: Cell, denominator: Int) -> Cell { denominator < minCell ? .suppressed : cell }

    /// Suppresses every non-key cell of a row: its small counts as `.suppressed`, the rest
    /// as `.withheld`.
    public func suppressWhole(_ row: [Cell]) -> [Cell] {
        row.map { cell in
            switch cell {
            case .key: return cell
            case .count(let n) where isSmall(n): return .suppressed
            case .suppressed: return cell
            default: return .withheld
            }
        }
    }

    /// Secondary suppression over groups of rows that sum to a published total: when exactly
    /// one row with a non-zero size is suppressed in a group, the unsuppressed row with the
    /// smallest non-zero size is suppressed as well.
    public func secondary(rows: inout [[Cell]], groups: [[Int]], size: (Int) -> Int) {
        for group in groups where group.count > 1 {
            let suppressed = group.filter { rows[$0].contains(where: \.isSuppressed) && size($0) > 0 }
            guard suppressed.count == 1 else { continue }
            let candidates = group.filter { !rows[$0].contains(where: \.isSuppressed) && size($0) > 0 }
            if let smallest = candidates.min(by: { (size($0), $0) < (size($1), $1) }) {
                rows[smallest] = suppressWhole(rows[smallest])
            }
        }
    }

    /// The last line of defence: throws when any count cell of a table lies in 1..k-1.
    public func verify(_ table: PublishedTable) throws {
        for (r, row) in table.rows.enumerated() {
            for (c, cell) in row.enumerated() {
                if case .count(let n) = cell, isSmall(n) {
                    throw OutflowError(.internalError, "disclosure gate: \(table.name) row \(r + 2) column \(table.columns[c]) holds a count below minCell; nothing was published")
                }
            }
        }
    }
}
