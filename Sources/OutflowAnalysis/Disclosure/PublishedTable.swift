// The form every analyst figure takes on its way out: a named table of typed cells. The
// disclosure gate builds these; the CSV and HTML writers only render them, so no figure
// reaches an analyst file without passing the gate (methods.md section 10).

import OutflowCore

/// One published value.
public enum Cell: Sendable, Equatable {
    /// A key such as a stratum value, horizon or wave: never suppressed.
    case key(String)
    /// A count of persons or entries (suppressed when 0 < n < minCell).
    case count(Int)
    /// A proportion in [0, 1], written with 4 decimals.
    case proportion(Double)
    /// A percentage, written with 1 decimal (rounded half away from zero).
    case percent(Double)
    /// Another number with fixed decimals (person-years, rates, p-values).
    case number(Double, decimals: Int)
    /// Not estimable or not applicable: written empty, not suppressed.
    case empty
    /// Withheld by disclosure control: a count of 1 to k-1, or a figure on fewer than k.
    case suppressed
    /// Withheld although not small itself: hidden with a small cell of its row, or so that a
    /// small cell elsewhere cannot be derived by subtraction (secondary suppression).
    case withheld

    /// The CSV text of the cell; suppressed cells are empty (the row's flag says why).
    public var csv: String {
        switch self {
        case .key(let s): return s
        case .count(let n): return String(n)
        case .proportion(let p): return Cell.fixed(p, 4)
        case .percent(let p): return Cell.fixed(p, 1)
        case .number(let x, let d): return Cell.fixed(x, d)
        case .empty, .suppressed, .withheld: return ""
        }
    }

    public var isSuppressed: Bool { self == .suppressed || self == .withheld }

    /// Fixed-point text rounded half away from zero, never `-0`.
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        // Nudge by a relative epsilon so 12.35 stored as 12.3499999 still rounds up.
        let scaled = (abs(value) * scale * (1 + 4 * Double.ulpOfOne)).rounded(.toNearestOrAwayFromZero)
        let negative = value < 0 && scaled != 0
        // The digits from the last one back, the point after `decimals` of them and at least
        // one before it: written into bytes, since tables and charts take tens of thousands.
        var magnitude = Int64(scaled).magnitude
        let capacity = decimals + 24
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { text in
            var start = capacity, written = 0
            repeat {
                if written == decimals && decimals > 0 {
                    start -= 1
                    text[start] = UInt8(ascii: ".")
                }
                start -= 1
                text[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                written += 1
            } while magnitude > 0 || written <= decimals
            if negative {
                start -= 1
                text[start] = UInt8(ascii: "-")
            }
            return String(decoding: UnsafeBufferPointer(rebasing: text[start..<capacity]), as: UTF8.self)
        }
    }
}

/// How the counts of one column were protected, for the verifier.
public enum CountProtection: Sendable, Equatable {
    /// Block midpoints (survival family): every count is 0 or a midpoint of a block of k.
    case midpoint
    /// Rounded table counts: 0, or a multiple of b that is at least k.
    case rounded
    /// Computed from other protected counts of the same table (a difference, a number at
    /// risk): protected by construction, never a true count.
    case derived
}

/// A table of an analyst output file. When `columns` holds `suppressed`, rows carry one
/// cell fewer and the 0/1 flag is derived from the row's cells at that position. Every
/// count column names how it was protected; a count column that names nothing fails the
/// verifier.
public struct PublishedTable: Sendable {
    public var name: String
    public var columns: [String]
    public var rows: [[Cell]]
    /// How each count column was protected.
    public var protection: [String: CountProtection]

    public init(name: String, columns: [String], rows: [[Cell]] = [], protection: [String: CountProtection] = [:]) {
        self.name = name
        self.columns = columns
        self.rows = rows
        self.protection = protection
    }

    /// Position of the `suppressed` flag column, if the table has one.
    public var flagIndex: Int? { columns.firstIndex(of: "suppressed") }

    /// The cells of a row under their column names (without the flag).
    public func cells(_ row: [Cell]) -> [String: Cell] {
        var names = columns
        if let flagIndex { names.remove(at: flagIndex) }
        return Dictionary(uniqueKeysWithValues: zip(names, row))
    }
}
