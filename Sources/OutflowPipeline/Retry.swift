// `outflow retry PIPELINE.json FILE`: judges a refused delivery again, with the pipeline file
// as it is now (after a threshold was changed), or accepting one judgement a supplier has
// confirmed (`--accept truncated_snapshot`: the extract really did shrink), and loads it
// when it now passes. Its refusal row goes in the same transaction as the load, so a retry
// either loads the file whole or leaves the refusal (with the new reason) in place. Every
// retry is kept with who ran it and when (`retry_log`, shown in the audit).

import Foundation
import OutflowCore
import OutflowStorage
import OutflowIngest

/// A retry of one refused file.
package struct Retry {
    package let config: PipelineConfig
    /// Who retries ($USER), for the audit.
    package let user: String

    package init(config: PipelineConfig, user: String) {
        self.config = config
        self.user = user
    }

    /// The file as given, or else the file of that name in the inbox.
    package static func locate(_ file: String, inbox: String) throws -> String {
        if FileManager.default.fileExists(atPath: file) { return URL(fileURLWithPath: file).standardizedFileURL.path }
        if !file.contains("/"), FileManager.default.fileExists(atPath: inbox + "/" + file) { return inbox + "/" + file }
        throw OutflowError(.usage, "\(file): no such file (neither as given nor in the inbox \(inbox))")
    }

    /// Retries `file` under the run lock; returns the summary line, or throws exit 65 when
    /// it is refused again.
    package func run(file: String, accepting: Set<FileReason>) throws -> String {
        let path = try Self.locate(file, inbox: config.inbox)
        let name = (path as NSString).lastPathComponent
        guard FileManager.default.fileExists(atPath: config.database) else {
            throw OutflowError(.usage, "\(name): nothing was delivered yet (no database at \(config.database)); nothing to retry")
        }
        let lock = try RunLock(path: config.lockPath)
        defer { withExtendedLifetime(lock) {} }
        let db = try Database(path: config.database, access: config.access)
        let registry = FileRegistry(db: db)
        let fingerprint = try FileFingerprint(path: path)
        guard let entry = try registry.entry(sha256: fingerprint.sha256) else {
            throw OutflowError(.usage, "\(name): these bytes were never delivered; the nightly run reads new files itself")
        }
        guard entry.status == "rejected" else {
            let status = entry.status == "loaded" ? "loaded" : entry.status
            throw OutflowError(.usage, "\(name): not refused (its bytes were \(status) as \(entry.fileName)); nothing to retry")
        }
        let source = config.sources.values.sorted { $0.kind < $1.kind }.first { fnmatch($0.files, name, 0) == 0 }?.kind
            ?? SourceKind(rawValue: entry.source) ?? .registrations
        let previous = try registry.errorCode(fileId: entry.fileId)
        let loader = try FileLoader.retrying(db: db, config: config, fileId: entry.fileId, accepting: accepting, runId: "retry-" + Clock.runId())
        let outcome = try loader.load(path: path, source: source, fingerprint: fingerprint)
        let accepted = accepting.map(\.rawValue).sorted().joined(separator: ",")
        try RetryLogStore(db: db).record(RetryRecord(
            retriedAt: Clock.timestamp(), user: user, fileName: name, sha256: fingerprint.sha256, source: source.rawValue,
            previousCode: previous, acceptedReason: accepted.isEmpty ? nil : accepted, outcome: outcome.status == .loaded ? "loaded" : "rejected",
            errorCode: outcome.rejection?.reason.rawValue, error: outcome.error))
        try db.checkpoint()
        guard outcome.status == .loaded else {
            throw OutflowError(.dataError, "retry: refused again: " + (outcome.error ?? name))
        }
        return "retry: \(name) loaded (\(source.rawValue)): \(outcome.rowsRead) rows read, \(outcome.accepted) accepted, \(outcome.quarantined) quarantined"
            + "; it was refused as \(previous ?? "unknown")" + (accepted.isEmpty ? "" : ", accepted as \(accepted) by \(user)")
            + "; the next run publishes it"
    }

    /// The user running the command: $USER, else $LOGNAME, else the uid.
    package static func currentUser(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        for key in ["USER", "LOGNAME"] { if let name = environment[key], !name.isEmpty { return name } }
        return "uid \(getuid())"
    }
}
