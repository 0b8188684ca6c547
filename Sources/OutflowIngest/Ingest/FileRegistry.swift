// The file registry as the ingest uses it: `RegistryStore` (Storage) under the name the
// pipeline knows, with what only the ingest knows on top: how a registry row reads as the
// outcome of a delivery, and how a file's fingerprint is recorded.

import OutflowCore
import OutflowCSV
import OutflowStorage

/// Queries and updates of `ingest_file`; the name callers outside Storage use.
package typealias FileRegistry = RegistryStore

extension RegistryStore.Entry {
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

extension RegistryStore {
    /// Registers the file `name` as loading, by its fingerprint; returns its file id.
    package func insertLoading(name: String, source: SourceKind, fingerprint: FileFingerprint, extractionDay: Day?, runId: String) throws -> Int {
        try insertLoading(source: source, fileName: name, sha256: fingerprint.sha256, sizeBytes: fingerprint.size,
                          encoding: fingerprint.encoding.rawValue, extractionDay: extractionDay, runId: runId)
    }

    /// Registers a refused file with the reason and counts of its outcome.
    package func recordRejected(_ outcome: FileOutcome, fingerprint: FileFingerprint, source: SourceKind, extractionDay: Day?, runId: String) throws {
        try insertRejected(source: source, fileName: outcome.fileName, sha256: fingerprint.sha256, sizeBytes: fingerprint.size,
                           encoding: fingerprint.encoding.rawValue, extractionDay: extractionDay,
                           errorCode: outcome.rejection?.reason.rawValue ?? "unknown", error: outcome.error ?? "",
                           rowsRead: outcome.rowsRead, accepted: outcome.accepted, quarantined: outcome.quarantined, runId: runId)
    }

    /// Records the fingerprint of a file that was loaded while it was being hashed.
    package func setFingerprint(fileId: Int, _ fingerprint: FileFingerprint) throws {
        try setFingerprint(fileId: fileId, sha256: fingerprint.sha256, sizeBytes: fingerprint.size, encoding: fingerprint.encoding.rawValue)
    }
}
