// The ingest stage: find every inbox file that matches a source's pattern, skip the ones
// whose bytes are already in the registry, and load the rest in order (sources in contract
// order, snapshots by extraction date). The inbox itself is never changed; a file unchanged
// since it was last hashed is not read again (`InboxDigests`).

import Foundation
import OutflowCore
import OutflowCSV
import OutflowStorage

/// The result of one ingest: every file the sources match, with what happened to it.
public struct IngestReport: Sendable {
    public var files: [FileOutcome] = []

    /// Files refused in this ingest.
    public var rejectedNow: [FileOutcome] { files.filter { $0.status == .rejected && $0.isNew } }
    public var rowsLoaded: Int { files.filter { $0.status == .loaded }.reduce(0) { $0 + $1.rowsRead } }
    package init(files: [FileOutcome] = []) {
        self.files = files
    }
}

/// Loads new deliveries from the inbox.
public struct Ingest {
    package let db: Database
    package let config: PipelineConfig
    package let runId: String

    public init(db: Database, config: PipelineConfig, runId: String) {
        self.db = db
        self.config = config
        self.runId = runId
    }

    /// Inbox files per source, snapshots ordered by extraction date then name.
    public static func inboxFiles(config: PipelineConfig) throws -> [InboxFile] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: config.inbox, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw OutflowError(.dataError, "inbox \(config.inbox): no such folder")
        }
        let names = try InboxFile.names(in: config.inbox)
        var result: [InboxFile] = []
        for kind in SourceKind.allCases {
            guard let source = config.sources[kind] else { continue }
            let matching = names.filter { fnmatch(source.files, $0.name, 0) == 0 && !$0.name.hasPrefix(".") }
            let ordered = matching.sorted { a, b in
                let da = FieldValue.extractionDate(fileName: a.name)?.julian ?? Int.min
                let db = FieldValue.extractionDate(fileName: b.name)?.julian ?? Int.min
                return da != db ? da < db : a.name < b.name
            }
            result += ordered.map { InboxFile(source: kind, path: config.inbox + "/" + $0.name, name: $0.name, rawName: $0.raw) }
        }
        return result
    }

    /// Loads every new file; `progress` hears each file as it is handled. With `checkpoint`
    /// the WAL is copied into the database file at the end; a caller that goes on to read
    /// (a whole run) checkpoints in the background instead.
    public func run(checkpoint: Bool = true, progress: (FileOutcome) -> Void = { _ in }) throws -> IngestReport {
        let files = try Self.inboxFiles(config: config)
        let registry = FileRegistry(db: db)
        let digests = InboxDigests(db: db)
        var report = IngestReport()
        var persons: PersonIndex?
        var erased: Set<String>?
        func loader() throws -> FileLoader {
            if persons == nil { persons = try PersonIndex(db: db) }
            if erased == nil { erased = try PersonStore(db: db).erasedPseudonymDigests() }
            return FileLoader(db: db, config: config, persons: persons!, erased: erased!, runId: runId)
        }
        for file in files {
            let (source, path, name) = (file.source, file.path, file.name)
            func handled(_ outcome: FileOutcome) {
                report.files.append(outcome)
                progress(outcome)
            }
            // Bytes known already: skipped, or, when they were refused for their name and come
            // under a name not judged yet, judged again under this one.
            func known(_ entry: FileRegistry.Entry, fingerprint: () throws -> FileFingerprint) throws {
                guard try registry.needsJudging(entry, as: name, source: source) else {
                    handled(entry.skippedOutcome(as: name, source: source))
                    return
                }
                var rejudge = try loader()
                rejudge.rejudging = .rename(fileId: entry.fileId)
                var outcome = try rejudge.load(path: path, source: source, fingerprint: try fingerprint())
                outcome.isNew = true
                if outcome.status == .rejected { outcome.duplicateOf = entry.fileName }
                handled(outcome)
            }
            // A name that is not UTF-8 cannot be opened by its decoded text: the file is
            // refused under the decoded name (a byte that is not UTF-8 shown as U+FFFD), once.
            if let raw = file.rawName {
                let fingerprint = try FileFingerprint(rawPath: Array(config.inbox.utf8) + [UInt8(ascii: "/")] + raw, shown: path)
                if let entry = try registry.entry(sha256: fingerprint.sha256) {
                    try known(entry) { fingerprint }
                } else {
                    handled(try registry.refuseName(name, source: source, fingerprint: fingerprint, runId: runId))
                }
                continue
            }
            let state = InboxFileState(path: path)
            // A file unchanged since it was last hashed: its bytes are known without reading it.
            if let state, let digest = try digests.digest(name: name, state: state), let entry = try registry.entry(sha256: digest) {
                try known(entry) { try FileFingerprint(path: path) }
                continue
            }
            // The size of a file delivered before: hash first, it is most likely a copy. A
            // new file: load it while it is hashed on another thread.
            let fingerprinting: Fingerprinting
            if try state.map({ try registry.hasFile(size: $0.size) }) ?? true {
                let fingerprint = try FileFingerprint(path: path)
                if let entry = try registry.entry(sha256: fingerprint.sha256) {
                    if let state { try digests.record(name: name, state: state, sha256: fingerprint.sha256) }
                    try known(entry) { fingerprint }
                    continue
                }
                fingerprinting = .known(fingerprint)
            } else {
                fingerprinting = .pending(Background(share: .spare) { try FileFingerprint(path: path) })
            }
            var outcome = try loader().load(path: path, source: source, fingerprinting: fingerprinting)
            outcome.isNew = outcome.status == .loaded || (outcome.status == .rejected && outcome.rejection != nil)
            if let state { try digests.record(name: name, state: state, sha256: outcome.sha256) }
            handled(outcome)
        }
        if checkpoint { try db.checkpoint() }
        return report
    }
}
