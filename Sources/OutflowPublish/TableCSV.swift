// Analyst tables as CSV files: the gate's cells rendered, with the suppressed flag in its
// column.

import OutflowCSV
import OutflowAnalysis

extension PublishedTable {
    /// The CSV text: header, rows, `\n` line ends, the suppressed flag in its column.
    package func csv() -> String {
        var lines = [columns]
        for row in rows {
            var fields = row.map(\.csv)
            if let flagIndex { fields.insert(row.contains(where: \.isSuppressed) ? "1" : "0", at: flagIndex) }
            lines.append(fields)
        }
        return CSVWriter.encode(rows: lines)
    }
}
