// The inbox as the ingest lists it: every file name as the bytes the file system holds. A
// name that is not valid UTF-8 (a Windows-1252 export's "é", say) has no String that opens
// it, so it is kept as bytes too: the file is hashed through them and refused under its
// decoded name (`bad_file_name`), instead of failing every run on a name that cannot be opened.
// Bytes known already are skipped, listed as `duplicate_of` when they came under another
// name, or judged again when their refusal was about the name (`Ingest.run`).

import Foundation
import OutflowCore
import OutflowStorage

/// One inbox file a source's pattern matches.
public struct InboxFile: Sendable {
    public var source: SourceKind
    /// The path, with the name as text (a byte that is not UTF-8 shown as U+FFFD).
    public var path: String
    public var name: String
    /// The name's bytes when they are not valid UTF-8: such a file cannot be opened by `path`.
    public var rawName: [UInt8]?

    /// The names in a folder (without `.` and `..`), with their bytes when those are not UTF-8.
    package static func names(in folder: String) throws -> [(name: String, raw: [UInt8]?)] {
        guard let directory = opendir(folder) else {
            throw OutflowError(.ioError, "inbox \(folder): cannot list: \(String(cString: strerror(errno)))")
        }
        defer { closedir(directory) }
        var names: [(name: String, raw: [UInt8]?)] = []
        while let entry = readdir(directory) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if bytes == [0x2E] || bytes == [0x2E, 0x2E] { continue }
            if let name = String(validating: bytes, as: UTF8.self) {
                names.append((name, nil))
            } else {
                names.append((String(decoding: bytes, as: UTF8.self), bytes))
            }
        }
        return names
    }
}

extension RegistryStore.Entry {
    /// The outcome of a file whose bytes are this entry's: the entry's own (already loaded,
    /// still refused, superseded) under its own name, `duplicate_of` it under another.
    package func skippedOutcome(as name: String, source: SourceKind) -> FileOutcome {
        guard name != fileName else {
            var outcome = outcome(fileName: name)
            outcome.source = source
            return outcome
        }
        return FileOutcome(source: source, fileName: name, sha256: sha256, status: .duplicate, duplicateOf: fileName)
    }
}

extension RegistryStore {
    /// True when known bytes under `name` must be judged again: they were refused for
    /// something about the name (no or an out-of-order extraction date, a name that is not
    /// UTF-8) or as another source, and were never judged under this name.
    package func needsJudging(_ entry: Entry, as name: String, source: SourceKind) throws -> Bool {
        guard entry.status == "rejected", entry.fileName != name else { return false }
        let code = try errorCode(fileId: entry.fileId).flatMap(FileReason.init(rawValue:))
        guard code?.isAboutTheName == true || entry.source != source.rawValue else { return false }
        return try !RefusedNameStore(db: db).isJudged(sha256: entry.sha256, fileName: name)
    }

    /// Refuses a file whose name is not UTF-8, recorded under the decoded name.
    package func refuseName(_ name: String, source: SourceKind, fingerprint: FileFingerprint, runId: String) throws -> FileOutcome {
        let rejection = FileRejection.badFileName(name)
        let outcome = FileOutcome(source: source, fileName: name, sha256: fingerprint.sha256, status: .rejected,
                                  error: rejection.description, rejection: rejection, isNew: true)
        try recordRejected(outcome, fingerprint: fingerprint, source: source,
                           extractionDay: FieldValue.extractionDate(fileName: name), runId: runId)
        return outcome
    }
}

extension FileRejection {
    /// The refusal of a file whose name is not UTF-8 (`name` shows those bytes as U+FFFD).
    package static func badFileName(_ name: String) -> FileRejection {
        FileRejection(file: name, reason: .badFileName,
                      detail: "the file name is not valid UTF-8 (shown with U+FFFD for the bytes that are not); rename the file with a UTF-8 name and it is read under that name")
    }

    /// The refusal a run would give the file at `path` for its name alone: a name that is
    /// not UTF-8 reaches a program as text with U+FFFD, which opens nothing.
    package static func forName(path: String) -> FileRejection? {
        let name = (path as NSString).lastPathComponent
        guard name.contains("\u{FFFD}"), !FileManager.default.fileExists(atPath: path),
              let names = try? InboxFile.names(in: (path as NSString).deletingLastPathComponent),
              names.contains(where: { $0.name == name && $0.raw != nil }) else { return nil }
        return badFileName(name)
    }
}
