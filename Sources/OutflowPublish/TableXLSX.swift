// Analyst tables as report.xlsx: one sheet per table, the same protected cells as the CSV
// files, so Excel users get numbers they can compute with. Counts and the suppressed flag
// are whole numbers, proportions show 4 decimals, percentages 1, other numbers their own
// decimals; each number is stored as the CSV prints it (never more precise than published);
// suppressed, withheld and not-estimable cells are empty. Keys that are whole numbers
// (step, horizon, day, wave, index year) are numbers; other keys are text.

import OutflowCore
import OutflowAnalysis

extension Cell {
    /// The worksheet cell of a published value.
    package var workbookCell: WorkbookCell {
        switch self {
        case .key(let s):
            if s.utf8.count <= 15, let n = Int(s), String(n) == s { return .integer(n) }
            return .text(s)
        case .count(let n): return .integer(n)
        case .proportion(let p): return Cell.decimal(p, 4)
        case .percent(let p): return Cell.decimal(p, 1)
        case .number(let x, let d): return Cell.decimal(x, d)
        case .empty, .suppressed, .withheld: return .empty
        }
    }

    private static func decimal(_ value: Double, _ decimals: Int) -> WorkbookCell {
        let text = fixed(value, decimals)
        return text.isEmpty ? .empty : .decimal(text, decimals: decimals)
    }
}

extension PublishedTable {
    /// The table as a sheet named after it, the suppressed flag (0/1) in its column.
    package var worksheet: Worksheet {
        Worksheet(name: name, header: columns, rows: rows.map { row in
            var cells = row.map(\.workbookCell)
            if let flagIndex { cells.insert(.integer(row.contains(where: \.isSuppressed) ? 1 : 0), at: flagIndex) }
            return cells
        })
    }
}

extension Array where Element == PublishedTable {
    /// report.xlsx: one sheet per table, in the order given.
    package func xlsx() throws -> [UInt8] {
        try Workbook(sheets: map(\.worksheet)).bytes()
    }
}
