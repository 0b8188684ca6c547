// The file registry (`ingest_file`): every delivery ever seen, by SHA-256 of its bytes, with
// its counts and status. A file whose bytes are known is never loaded again, and a refused
// file stays refused until corrected bytes arrive. Statements here run once or twice per
// file, so they are prepared per call rather than held.

import OutflowCore

/// Queries and updates of `ingest_file`.
package struct RegistryStore {
    package let db: Database

    /// The registry of the database `db`.
    package init(db: Database) {
        self.db = db
    }

    /// A registry row.
    package struct Entry: Sendable {
        package var fileId: Int
        package var source: String
        package var fileName: String
        package var sha256: String
        package var status: String
        package var error: String?
        package var rowsRead: Int, accepted: Int, quarantined: Int
        package var extractionDay: Int?
    }

    /// The columns an `Entry` is read from, in the order of `EntryColumn`.
    private static let entryColumns = "file_id, source, file_name, sha256, status, error, rows_read, accepted, quarantined, extraction_day"

    /// Positions in `entryColumns`, so an entry is read by name.
    private enum EntryColumn {
        static let fileId = 0, source = 1, fileName = 2, sha256 = 3, status = 4, error = 5
        static let rowsRead = 6, accepted = 7, quarantined = 8, extractionDay = 9
    }

    /// The entry in a row selected as `entryColumns`.
    private static func entry(_ row: Row) -> Entry {
        Entry(fileId: row.int(EntryColumn.fileId), source: row.string(EntryColumn.source),
              fileName: row.string(EntryColumn.fileName), sha256: row.string(EntryColumn.sha256),
              status: row.string(EntryColumn.status), error: row.text(EntryColumn.error),
              rowsRead: row.int(EntryColumn.rowsRead), accepted: row.int(EntryColumn.accepted),
              quarantined: row.int(EntryColumn.quarantined), extractionDay: row.optionalInt(EntryColumn.extractionDay))
    }

    /// The registry row of the file with these bytes, if any was delivered.
    package func entry(sha256: String) throws -> Entry? {
        try db.query("SELECT \(Self.entryColumns) FROM ingest_file WHERE sha256 = ? ORDER BY file_id",
                     [.text(sha256)], Self.entry).first
    }

    /// All registry rows, oldest first.
    package func entries() throws -> [Entry] {
        try db.query("SELECT \(Self.entryColumns) FROM ingest_file ORDER BY file_id", [], Self.entry)
    }

    /// The extraction date of the newest loaded snapshot of a source.
    package func newestExtraction(source: SourceKind) throws -> Day? {
        try db.scalarInt("SELECT max(extraction_day) FROM ingest_file WHERE source = ? AND status = 'loaded'",
                         [.text(source.rawValue)]).map(Day.init(julian:))
    }

    /// The extraction date of the oldest loaded delivery of a source: its first snapshot.
    package func firstExtraction(source: SourceKind) throws -> Day? {
        try db.scalarInt("SELECT min(extraction_day) FROM ingest_file WHERE source = ? AND status = 'loaded'",
                         [.text(source.rawValue)]).map(Day.init(julian:))
    }

    /// Accepted rows of the newest loaded snapshot of a source, the base of the truncation check.
    package func previousSnapshotRows(source: SourceKind) throws -> Int? {
        try db.scalarInt("""
            SELECT accepted FROM ingest_file WHERE source = ? AND status = 'loaded'
            ORDER BY extraction_day DESC, file_id DESC LIMIT 1
            """, [.text(source.rawValue)])
    }

    /// The key id of the first loaded file that carried one: the key every later file must share.
    package func establishedKeyId() throws -> String? {
        try db.scalarText("SELECT key_id FROM ingest_file WHERE status <> 'rejected' AND key_id IS NOT NULL ORDER BY file_id LIMIT 1")
    }

    /// Registers a file as loaded before its rows go in (they refer to its id); returns the id.
    package func insertLoading(source: SourceKind, fileName: String, sha256: String, sizeBytes: Int, encoding: String,
                               extractionDay: Day?, runId: String) throws -> Int {
        try db.run("""
            INSERT INTO ingest_file (source, file_name, sha256, size_bytes, extraction_day, status, encoding, loaded_at, run_id)
            VALUES (?, ?, ?, ?, ?, 'loaded', ?, ?, ?)
            """, [.text(source.rawValue), .text(fileName), .text(sha256), .int(sizeBytes),
                  extractionDay.map { .int($0.julian) } ?? .null, .text(encoding),
                  .text(Clock.timestamp()), .text(runId)])
        return db.lastInsertRowID
    }

    /// Records the counts and what was found in a loaded file: its delimiter, key id and the
    /// delivered columns the contract does not know (comma-separated, NULL when none).
    package func finishLoading(fileId: Int, read: Int, accepted: Int, quarantined: Int, delimiter: UInt8, keyId: String?, unknownColumns: [String]) throws {
        try db.run("""
            UPDATE ingest_file SET rows_read = ?, accepted = ?, quarantined = ?, delimiter = ?, key_id = ?, unknown_columns = ?
            WHERE file_id = ?
            """, [.int(read), .int(accepted), .int(quarantined), .text(String(UnicodeScalar(delimiter))),
                  keyId.map(SQLValue.text) ?? .null,
                  unknownColumns.isEmpty ? .null : .text(unknownColumns.joined(separator: ",")), .int(fileId)])
    }

    /// Registers a refused file with its reason and counts, in a transaction of its own (the
    /// load's transaction has rolled back).
    package func insertRejected(source: SourceKind, fileName: String, sha256: String, sizeBytes: Int, encoding: String,
                                extractionDay: Day?, errorCode: String, error: String,
                                rowsRead: Int, accepted: Int, quarantined: Int, runId: String) throws {
        try db.transaction {
            try db.run("""
                INSERT INTO ingest_file (source, file_name, sha256, size_bytes, extraction_day, status, error_code, error,
                    rows_read, accepted, quarantined, encoding, loaded_at, run_id)
                VALUES (?, ?, ?, ?, ?, 'rejected', ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(source.rawValue), .text(fileName), .text(sha256), .int(sizeBytes),
                      extractionDay.map { .int($0.julian) } ?? .null, .text(errorCode),
                      .text(error), .int(rowsRead), .int(accepted), .int(quarantined),
                      .text(encoding), .text(Clock.timestamp()), .text(runId)])
        }
    }

    /// Records the fingerprint of a file that was loaded while it was being hashed.
    package func setFingerprint(fileId: Int, sha256: String, sizeBytes: Int, encoding: String) throws {
        try db.run("UPDATE ingest_file SET sha256 = ?, size_bytes = ?, encoding = ? WHERE file_id = ?",
                   [.text(sha256), .int(sizeBytes), .text(encoding), .int(fileId)])
    }

    /// True when a file of this size was delivered before (so this one is probably a copy of it).
    package func hasFile(size: Int) throws -> Bool {
        try db.scalarInt("SELECT 1 FROM ingest_file WHERE size_bytes = ? LIMIT 1", [.int(size)]) != nil
    }

    /// Marks the loaded snapshot of a source and extraction date as replaced by a corrected delivery.
    package func markSuperseded(source: SourceKind, extractionDay: Day) throws {
        try db.run("UPDATE ingest_file SET status = 'superseded' WHERE source = ? AND extraction_day = ? AND status = 'loaded'",
                   [.text(source.rawValue), .int(extractionDay.julian)])
    }
}
