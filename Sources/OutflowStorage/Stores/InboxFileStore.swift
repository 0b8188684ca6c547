// The inbox digests (`inbox_file`): for each inbox file name, the SHA-256 of its bytes with
// the size and modification time the file had when it was hashed. Whether a recorded state
// can be trusted is the ingest's decision; this store only keeps and finds the records.

import OutflowCore

/// Queries and updates of `inbox_file`.
package struct InboxFileStore {
    package let db: Database

    /// The inbox digests of the database `db`.
    package init(db: Database) {
        self.db = db
    }

    /// The SHA-256 recorded for `fileName` when its size and modification time are still these.
    package func sha256(fileName: String, sizeBytes: Int, modifiedNs: Int) throws -> String? {
        try db.scalarText("SELECT sha256 FROM inbox_file WHERE file_name = ? AND size_bytes = ? AND modified_ns = ?",
                          [.text(fileName), .int(sizeBytes), .int(modifiedNs)])
    }

    /// Records the SHA-256 of `fileName` as it was at this size and modification time,
    /// replacing what was recorded for the name before.
    package func record(fileName: String, sizeBytes: Int, modifiedNs: Int, sha256: String) throws {
        try db.run("INSERT OR REPLACE INTO inbox_file (file_name, size_bytes, modified_ns, sha256) VALUES (?, ?, ?, ?)",
                   [.text(fileName), .int(sizeBytes), .int(modifiedNs), .text(sha256)])
    }
}
