// restricted/quarantine.csv: every quarantined row of every loaded file, for data
// stewards only (it can hold delivered values). Ordered by file and row so reruns match.

import OutflowCore
import OutflowCSV
import OutflowAnalysis
import OutflowStorage
import OutflowPublish

/// Builds the restricted quarantine listing.
public enum QuarantineExport {
    public static let header = ["file", "row", "field", "reason", "raw_value"]

    public static func csv(db: Database) throws -> String {
        let rows = try db.query("""
            SELECT f.file_name, q.row_number, q.column_name, q.reason, q.raw_value
            FROM quarantine q JOIN ingest_file f USING (file_id)
            ORDER BY q.file_id, q.row_number
            """) { [$0.string(0), String($0.int(1)), $0.string(2), $0.string(3), $0.string(4)] }
        return CSVWriter.encode(rows: [header] + rows)
    }
}
