// What the delivery registry (`ingest_file`) and the quarantine say about the deliveries,
// read for the linkage audit, the freshness check and the stewards' quarantine listing.
// Read only: the loader writes these tables.

import OutflowCore

/// Reads `ingest_file` and `quarantine` for the audit and the run's checks.
package struct AuditDeliveryStore {
    package let db: Database

    /// A store working through `db`, used on the thread that owns the connection.
    package init(db: Database) { self.db = db }

    /// One registry row as the audit shows it; absent texts are empty.
    package struct Delivery {
        package var fileId: Int
        package var source: String
        package var fileName: String
        package var status: String
        package var error: String
        package var rowsRead: Int
        package var accepted: Int
        package var quarantined: Int
        package var encoding: String
        package var delimiter: String
        package var keyId: String
        package var unknownColumns: String
        /// The extraction date as ISO text, empty when the file had none.
        package var extractionDate: String
        package var loadedAt: String
    }

    /// Every registered delivery, in registry order.
    package func deliveries() throws -> [Delivery] {
        try db.query("""
            SELECT file_id, source, file_name, status, coalesce(error, ''), rows_read, accepted, quarantined, coalesce(encoding, ''),
                   coalesce(delimiter, ''), coalesce(key_id, ''), coalesce(unknown_columns, ''), coalesce(date(extraction_day), ''), loaded_at
            FROM ingest_file ORDER BY file_id
            """) { row in
            Delivery(fileId: row.int(0), source: row.string(1), fileName: row.string(2), status: row.string(3), error: row.string(4),
                     rowsRead: row.int(5), accepted: row.int(6), quarantined: row.int(7), encoding: row.string(8),
                     delimiter: row.string(9), keyId: row.string(10), unknownColumns: row.string(11),
                     extractionDate: row.string(12), loadedAt: row.string(13))
        }
    }

    /// Quarantined rows of one file for one reason.
    package struct QuarantineCount {
        package var fileId: Int
        package var reason: String
        package var rows: Int
    }

    /// Quarantined rows per file and reason, ordered by file and reason.
    package func quarantineCounts() throws -> [QuarantineCount] {
        try db.query("SELECT file_id, reason, count(*) FROM quarantine GROUP BY file_id, reason ORDER BY file_id, reason") {
            QuarantineCount(fileId: $0.int(0), reason: $0.string(1), rows: $0.int(2))
        }
    }

    /// The distinct key ids of each source's loaded deliveries, comma-separated, by source.
    package func keyIdsBySource() throws -> [String: String] {
        let pairs = try db.query("SELECT source, group_concat(DISTINCT key_id) FROM ingest_file WHERE status = 'loaded' GROUP BY source") {
            ($0.string(0), $0.text(1) ?? "")
        }
        return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }

    /// Decisions quarantined because they end before they start.
    package func decisionsEndingBeforeStart() throws -> Int {
        try db.scalarInt("""
            SELECT count(*) FROM quarantine q JOIN ingest_file f USING (file_id)
            WHERE f.source = 'decisions' AND q.column_name = 'end_date' AND q.reason = 'out_of_range'
            """) ?? 0
    }

    /// Delivered rows dropped because their person is on the erasure list.
    package func rowsDroppedAsErased() throws -> Int {
        try db.scalarInt("SELECT count(*) FROM quarantine WHERE reason = 'erased'") ?? 0
    }

    /// The extraction days of a source's loaded deliveries up to `asOf`, newest first, at most `limit`.
    package func extractionDays(source: String, through asOf: Day, limit: Int) throws -> [Int] {
        try db.query("SELECT DISTINCT extraction_day FROM ingest_file WHERE source = ? AND status = 'loaded' AND extraction_day <= ? ORDER BY 1 DESC LIMIT ?",
                     [.text(source), .int(asOf.julian), .int(limit)]) { $0.int(0) }
    }

    /// The day of a source's newest loaded delivery: its extraction date, or the day it was
    /// loaded when the file carried none. Nil when nothing of the source is loaded.
    package func newestDeliveryDay(source: String) throws -> Day? {
        let statement = try db.prepare("""
            SELECT max(coalesce(extraction_day, CAST(julianday(substr(loaded_at, 1, 10)) + 0.5 AS INTEGER))) AS extraction_day
            FROM ingest_file WHERE source = ? AND status = 'loaded'
            """)
        try statement.bind(source, at: 1)
        guard let row = try statement.step(), !row.isNull(0) else { return nil }
        return try row.day(0, table: "ingest_file")
    }

    /// One quarantined row for the stewards' listing; absent texts are empty.
    package struct QuarantinedRow {
        package var fileName: String
        package var rowNumber: Int
        package var column: String
        package var reason: String
        package var rawValue: String
    }

    /// Every quarantined row with its file's name, ordered by file and row.
    package func quarantinedRows() throws -> [QuarantinedRow] {
        try db.query("""
            SELECT f.file_name, q.row_number, q.column_name, q.reason, q.raw_value
            FROM quarantine q JOIN ingest_file f USING (file_id)
            ORDER BY q.file_id, q.row_number
            """) { QuarantinedRow(fileName: $0.string(0), rowNumber: $0.int(1), column: $0.string(2), reason: $0.string(3), rawValue: $0.string(4)) }
    }
}
