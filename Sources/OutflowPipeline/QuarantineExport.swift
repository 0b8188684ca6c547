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
        let rows = try AuditDeliveryStore(db: db).quarantinedRows().map {
            [$0.fileName, String($0.rowNumber), $0.column, $0.reason, $0.rawValue]
        }
        return CSVWriter.encode(rows: [header] + rows)
    }
}
