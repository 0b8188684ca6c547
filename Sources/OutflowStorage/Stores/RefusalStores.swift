// What the operator's commands read and write about refused deliveries: the refusals in the
// registry with their codes and times, the contract columns each file delivered, the names
// under which refused bytes were judged again (`refused_name`), and the retries
// (`retry_log`). The loader's own registry statements are in `RegistryStore`.

import OutflowCore

/// A registry row of a delivery, with what the refusal checks need.
package struct RegistryFile: Sendable {
    package var fileId: Int
    package var source: String
    package var fileName: String
    package var status: String
    package var errorCode: String?
    package var error: String?
    package var extractionDay: Int?
    package var loadedAt: String
}

extension RegistryStore {
    /// Every registry row, oldest first, with its error code and time.
    package func files() throws -> [RegistryFile] {
        try db.query("""
            SELECT file_id, source, file_name, status, error_code, error, extraction_day, loaded_at
            FROM ingest_file ORDER BY file_id
            """) { row in
            RegistryFile(fileId: row.int(0), source: row.string(1), fileName: row.string(2), status: row.string(3),
                         errorCode: row.text(4), error: row.text(5), extractionDay: row.optionalInt(6), loadedAt: row.string(7))
        }
    }

    /// The reason code of a refused file's row.
    package func errorCode(fileId: Int) throws -> String? {
        try db.scalarText("SELECT error_code FROM ingest_file WHERE file_id = ?", [.int(fileId)])
    }

    /// The contract columns delivered by the newest loaded snapshot of a source, with its
    /// name; nil when there is none or it was loaded before columns were recorded.
    package func previousSnapshotColumns(source: SourceKind) throws -> (file: String, columns: [String])? {
        try db.query("""
            SELECT file_name, delivered_columns FROM ingest_file WHERE source = ? AND status = 'loaded'
            ORDER BY extraction_day DESC, file_id DESC LIMIT 1
            """, [.text(source.rawValue)]) { row -> (file: String, columns: [String])? in
            guard let text = row.text(1) else { return nil }
            return (row.string(0), text.isEmpty ? [] : text.split(separator: ",").map(String.init))
        }.first ?? nil
    }

    /// Records the contract columns a loaded file delivered (comma-separated).
    package func recordColumns(fileId: Int, columns: [String]) throws {
        try db.run("UPDATE ingest_file SET delivered_columns = ? WHERE file_id = ?",
                   [.text(columns.joined(separator: ",")), .int(fileId)])
    }

    /// Removes a refused file's row, so its bytes can be registered again under a new judgement.
    package func deleteRejected(fileId: Int) throws {
        try db.run("DELETE FROM ingest_file WHERE file_id = ? AND status = 'rejected'", [.int(fileId)])
    }

    /// Records a new judgement of a refused file that was refused again: its reason, message and counts.
    package func updateRejected(fileId: Int, errorCode: String, error: String, rowsRead: Int, accepted: Int, quarantined: Int) throws {
        try db.run("""
            UPDATE ingest_file SET error_code = ?, error = ?, rows_read = ?, accepted = ?, quarantined = ?
            WHERE file_id = ? AND status = 'rejected'
            """, [.text(errorCode), .text(error), .int(rowsRead), .int(accepted), .int(quarantined), .int(fileId)])
    }
}

/// Queries and updates of `refused_name`: refused bytes judged again under another name.
package struct RefusedNameStore {
    package let db: Database

    /// The names of the database `db`.
    package init(db: Database) { self.db = db }

    /// True when the bytes `sha256` were judged under `fileName` already.
    package func isJudged(sha256: String, fileName: String) throws -> Bool {
        try db.scalarInt("SELECT 1 FROM refused_name WHERE sha256 = ? AND file_name = ?", [.text(sha256), .text(fileName)]) != nil
    }

    /// The refusal of the bytes `sha256` under `fileName`, in a transaction of its own.
    package func record(sha256: String, fileName: String, source: SourceKind, errorCode: String, error: String, runId: String) throws {
        try db.transaction {
            try db.run("""
                INSERT OR REPLACE INTO refused_name (sha256, file_name, source, error_code, error, judged_at, run_id)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [.text(sha256), .text(fileName), .text(source.rawValue), .text(errorCode), .text(error),
                      .text(Clock.timestamp()), .text(runId)])
        }
    }
}

/// One retry of a refused file.
package struct RetryRecord: Sendable {
    package var retriedAt: String
    package var user: String
    package var fileName: String
    package var sha256: String
    package var source: String
    package var previousCode: String?
    package var acceptedReason: String?
    package var outcome: String
    package var errorCode: String?
    package var error: String?

    package init(retriedAt: String, user: String, fileName: String, sha256: String, source: String, previousCode: String?,
                 acceptedReason: String?, outcome: String, errorCode: String?, error: String?) {
        self.retriedAt = retriedAt
        self.user = user
        self.fileName = fileName
        self.sha256 = sha256
        self.source = source
        self.previousCode = previousCode
        self.acceptedReason = acceptedReason
        self.outcome = outcome
        self.errorCode = errorCode
        self.error = error
    }
}

/// Queries and updates of `retry_log`.
package struct RetryLogStore {
    package let db: Database

    /// The retries of the database `db`.
    package init(db: Database) { self.db = db }

    package func record(_ retry: RetryRecord) throws {
        try db.run("""
            INSERT INTO retry_log (retried_at, user_name, file_name, sha256, source, previous_code, accepted_reason, outcome, error_code, error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(retry.retriedAt), .text(retry.user), .text(retry.fileName), .text(retry.sha256), .text(retry.source),
                  retry.previousCode.map(SQLValue.text) ?? .null, retry.acceptedReason.map(SQLValue.text) ?? .null,
                  .text(retry.outcome), retry.errorCode.map(SQLValue.text) ?? .null, retry.error.map(SQLValue.text) ?? .null])
    }

    /// Every retry, oldest first.
    package func entries() throws -> [RetryRecord] {
        try db.query("""
            SELECT retried_at, user_name, file_name, sha256, source, previous_code, accepted_reason, outcome, error_code, error
            FROM retry_log ORDER BY retry_id
            """) { row in
            RetryRecord(retriedAt: row.string(0), user: row.string(1), fileName: row.string(2), sha256: row.string(3),
                        source: row.string(4), previousCode: row.text(5), acceptedReason: row.text(6), outcome: row.string(7),
                        errorCode: row.text(8), error: row.text(9))
        }
    }
}

/// The newest row of `run_log`.
package struct RunLogEntry: Sendable {
    package var runId: String
    package var command: String
    package var startedAt: String
    package var finishedAt: String?
    package var status: String
    package var exitStatus: Int?
    package var asOfDay: Int?
}

extension RunLogStore {
    /// The job started last, nil when none has run.
    package func latest() throws -> RunLogEntry? {
        try db.query("""
            SELECT run_id, command, started_at, finished_at, status, exit_status, as_of_day FROM run_log
            ORDER BY started_at DESC, run_id DESC LIMIT 1
            """) { row in
            RunLogEntry(runId: row.string(0), command: row.string(1), startedAt: row.string(2), finishedAt: row.text(3),
                        status: row.string(4), exitStatus: row.optionalInt(5), asOfDay: row.optionalInt(6))
        }.first
    }
}
