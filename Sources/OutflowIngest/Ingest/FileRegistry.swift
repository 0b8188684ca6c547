// The file registry (`ingest_file`): every delivery ever seen, by SHA-256 of its bytes,
// with its counts and status. A file whose bytes are known is never loaded again, and a
// refused file stays refused until corrected bytes arrive.

import OutflowCore
import OutflowCSV
import OutflowStorage

/// Queries and updates of `ingest_file`.
package struct FileRegistry {
    package let db: Database

    /// A registry row.
    package struct Entry {
        package var fileId: Int
        package var source: String
        package var fileName: String
        package var sha256: String
        package var status: String
        package var error: String?
        package var rowsRead: Int, accepted: Int, quarantined: Int
        package var extractionDay: Int?

        /// The entry as the outcome of a file whose bytes are known: skipped as already
        /// loaded, or still rejected or superseded; `loadedNow` when this run loaded it.
        package func outcome(fileName: String? = nil, loadedNow: Bool = false) -> FileOutcome {
            let state: FileOutcome.Status
            switch status {
            case "rejected": state = .rejected
            case "superseded": state = .superseded
            default: state = loadedNow ? .loaded : .alreadyLoaded
            }
            return FileOutcome(source: SourceKind(rawValue: source) ?? .registrations, fileName: fileName ?? self.fileName,
                               sha256: sha256, status: state, rowsRead: rowsRead, accepted: accepted, quarantined: quarantined,
                               error: error)
        }
    }

    package func entry(sha256: String) throws -> Entry? {
        try entries(where: "sha256 = ?", [.text(sha256)]).first
    }

    /// All registry rows, oldest first.
    package func entries(where condition: String = "1", _ arguments: [SQLValue] = []) throws -> [Entry] {
        try db.query("""
            SELECT file_id, source, file_name, sha256, status, error, rows_read, accepted, quarantined, extraction_day
            FROM ingest_file WHERE \(condition) ORDER BY file_id
            """, arguments) {
            Entry(fileId: $0.int(0), source: $0.string(1), fileName: $0.string(2), sha256: $0.string(3),
                  status: $0.string(4), error: $0.text(5), rowsRead: $0.int(6), accepted: $0.int(7),
                  quarantined: $0.int(8), extractionDay: $0.optionalInt(9))
        }
    }

    package func newestExtraction(source: SourceKind) throws -> Day? {
        try db.scalarInt("SELECT max(extraction_day) FROM ingest_file WHERE source = ? AND status = 'loaded'",
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

    package func insertLoading(name: String, source: SourceKind, fingerprint: FileFingerprint, extractionDay: Day?, runId: String) throws -> Int {
        try db.run("""
            INSERT INTO ingest_file (source, file_name, sha256, size_bytes, extraction_day, status, encoding, loaded_at, run_id)
            VALUES (?, ?, ?, ?, ?, 'loaded', ?, ?, ?)
            """, [.text(source.rawValue), .text(name), .text(fingerprint.sha256), .int(fingerprint.size),
                  extractionDay.map { .int($0.julian) } ?? .null, .text(fingerprint.encoding.rawValue),
                  .text(Clock.timestamp()), .text(runId)])
        return db.lastInsertRowID
    }

    package func finishLoading(fileId: Int, read: Int, accepted: Int, quarantined: Int, delimiter: UInt8, keyId: String?, unknownColumns: [String]) throws {
        try db.run("""
            UPDATE ingest_file SET rows_read = ?, accepted = ?, quarantined = ?, delimiter = ?, key_id = ?, unknown_columns = ?
            WHERE file_id = ?
            """, [.int(read), .int(accepted), .int(quarantined), .text(String(UnicodeScalar(delimiter))),
                  keyId.map(SQLValue.text) ?? .null,
                  unknownColumns.isEmpty ? .null : .text(unknownColumns.joined(separator: ",")), .int(fileId)])
    }

    package func recordRejected(_ outcome: FileOutcome, fingerprint: FileFingerprint, source: SourceKind, extractionDay: Day?, runId: String) throws {
        try db.transaction {
            try db.run("""
                INSERT INTO ingest_file (source, file_name, sha256, size_bytes, extraction_day, status, error_code, error,
                    rows_read, accepted, quarantined, encoding, loaded_at, run_id)
                VALUES (?, ?, ?, ?, ?, 'rejected', ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(source.rawValue), .text(outcome.fileName), .text(fingerprint.sha256), .int(fingerprint.size),
                      extractionDay.map { .int($0.julian) } ?? .null, .text(outcome.rejection?.reason.rawValue ?? "unknown"),
                      .text(outcome.error ?? ""), .int(outcome.rowsRead), .int(outcome.accepted), .int(outcome.quarantined),
                      .text(fingerprint.encoding.rawValue), .text(Clock.timestamp()), .text(runId)])
        }
    }

    /// Records the fingerprint of a file that was loaded while it was being hashed.
    package func setFingerprint(fileId: Int, _ fingerprint: FileFingerprint) throws {
        try db.run("UPDATE ingest_file SET sha256 = ?, size_bytes = ?, encoding = ? WHERE file_id = ?",
                   [.text(fingerprint.sha256), .int(fingerprint.size), .text(fingerprint.encoding.rawValue), .int(fileId)])
    }

    /// True when a file of this size was delivered before (so this one is probably a copy of it).
    package func hasFile(size: Int) throws -> Bool {
        try db.scalarInt("SELECT 1 FROM ingest_file WHERE size_bytes = ? LIMIT 1", [.int(size)]) != nil
    }

    package func markSuperseded(source: SourceKind, extractionDay: Day) throws {
        try db.run("UPDATE ingest_file SET status = 'superseded' WHERE source = ? AND extraction_day = ? AND status = 'loaded'",
                   [.text(source.rawValue), .int(extractionDay.julian)])
    }
    package init(db: Database) {
        self.db = db
    }
}
