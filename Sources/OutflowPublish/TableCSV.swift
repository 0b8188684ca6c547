// Analyst tables as CSV files: the gate's cells rendered, with the suppressed flag in its
// column, in the pipeline's `csv.dialect`: RFC 4180 (`,`, `.` decimals) by default, or `nl`
// for Dutch Excel (`;`, decimal comma, a UTF-8 byte-order mark).

import OutflowCore
import OutflowCSV
import OutflowAnalysis

extension PublishedTable {
    /// The RFC 4180 CSV text.
    package func csv() -> String { csv(.rfc4180) }

    /// The CSV text in `dialect`: header, rows, `\n` line ends, the suppressed flag in its column.
    package func csv(_ dialect: CSVDialect) -> String {
        var lines = [columns]
        for row in rows {
            var fields = row.map { $0.csv(dialect) }
            if let flagIndex { fields.insert(row.contains(where: \.isSuppressed) ? "1" : "0", at: flagIndex) }
            lines.append(fields)
        }
        switch dialect {
        case .rfc4180: return CSVWriter.encode(rows: lines)
        case .nl: return "\u{FEFF}" + CSVWriter.encode(rows: lines, delimiter: UInt8(ascii: ";"))
        }
    }
}

extension Cell {
    /// The CSV text of the cell in `dialect`: in `nl`, numbers with decimals take a decimal
    /// comma; keys and counts are written as they are.
    package func csv(_ dialect: CSVDialect) -> String {
        switch (self, dialect) {
        case (.proportion, .nl), (.percent, .nl), (.number, .nl): return String(csv.map { $0 == "." ? "," : $0 })
        default: return csv
        }
    }
}
