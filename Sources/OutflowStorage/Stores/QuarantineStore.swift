// The quarantine (`quarantine`): one record per refused row of a delivery, with its row
// number, column, reason code and the delivered value. The loader writes it row by row
// through one prepared statement per file; `outflow validate` reads a file's records back.
// Which values may be stored at all is the loader's decision, not this store's.

import OutflowCore

/// Queries of `quarantine`, and the writer of one file's records.
package struct QuarantineStore {
    package let db: Database

    /// The quarantine of the database `db`.
    package init(db: Database) {
        self.db = db
    }

    /// One quarantined row as stored.
    package struct Record: Sendable {
        package var rowNumber: Int
        package var column: String?
        package var reason: String
        package var rawValue: String?
    }

    /// A writer of the records of file `fileId`, its insert prepared once.
    package func writer(fileId: Int) throws -> QuarantineInserter {
        try QuarantineInserter(db: db, fileId: fileId)
    }

    /// How many rows of file `fileId` were quarantined for each reason, by reason.
    package func reasonCounts(fileId: Int) throws -> [(reason: String, count: Int)] {
        try db.query("SELECT reason, count(*) FROM quarantine WHERE file_id = ? GROUP BY reason ORDER BY reason",
                     [.int(fileId)]) { row in (reason: row.string(0), count: row.int(1)) }
    }

    /// The first `limit` quarantined rows of file `fileId`, by row number.
    package func firstRecords(fileId: Int, limit: Int) throws -> [Record] {
        try db.query("SELECT row_number, column_name, reason, raw_value FROM quarantine WHERE file_id = ? ORDER BY row_number LIMIT ?",
                     [.int(fileId), .int(limit)]) { row in
            Record(rowNumber: row.int(RecordColumn.rowNumber), column: row.text(RecordColumn.column),
                   reason: row.string(RecordColumn.reason), rawValue: row.text(RecordColumn.rawValue))
        }
    }

    /// Positions in the select of `firstRecords`, so a record is read by name.
    private enum RecordColumn {
        static let rowNumber = 0, column = 1, reason = 2, rawValue = 3
    }
}

/// Inserts the quarantine records of one file, rebinding one prepared statement per row.
package final class QuarantineInserter {
    private let insert: Statement
    private let fileId: Int

    /// Prepares the insert for file `fileId`.
    package init(db: Database, fileId: Int) throws {
        self.fileId = fileId
        insert = try db.prepare("INSERT INTO quarantine (file_id, row_number, column_name, reason, raw_value) VALUES (?, ?, ?, ?, ?)")
    }

    /// Records row `row` as refused for `reason` in `column` (nil for the whole row), with
    /// the value to keep (nil for none).
    package func add(row: Int, column: String?, reason: String, rawValue: String?) throws {
        try insert.bind(fileId, at: 1)
        try insert.bind(row, at: 2)
        try insert.bind(column, at: 3)
        try insert.bind(reason, at: 4)
        try insert.bind(rawValue, at: 5)
        try insert.run()
    }
}
