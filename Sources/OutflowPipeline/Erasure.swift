// `outflow erase`: an erasure request under the AVG. The person's rows leave every table
// with SQLite's secure_delete on, the database is vacuumed and its WAL truncated so no old
// page keeps a copy, every run folder the pipeline ever wrote is scrubbed (the pipeline's
// output and every `--out` folder the run log recorded), and the SHA-256 of the pseudonym
// goes on the erasure list so later deliveries for the person are dropped (and counted as
// `erased`). The pseudonym itself is stored nowhere. Deliveries are never edited: the inbox
// files that still hold the person are listed, for the steward to take up with the supplier.
// A pseudonym found nowhere is refused (a typing error, or a key other than the suppliers')
// unless the request says the person has not been delivered yet.

import Foundation
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowAnalysis
import OutflowPublish

/// Removes one person from the database and from every run folder.
public struct Erasure {
    /// What an erasure removed, or would remove in a dry run.
    public struct Summary: Sendable {
        /// Rows removed per table.
        public var removed: [(table: String, rows: Int)] = []
        /// Whether the pseudonym had a person row.
        public var wasKnown = false
        /// When the person went on the erasure list, if before this request.
        public var listedSince: String?
        /// Run-folder files from which the lines naming the person were dropped.
        public var scrubbed: [String] = []
        /// Run-folder files holding the person that are not text and were removed whole.
        public var removedFiles: [String] = []
        /// The output folders searched for run folders.
        public var outputFolders: [String] = []
        /// Inbox files that still hold the person (names, sorted).
        public var inboxFiles: [String] = []
        /// True when nothing was changed.
        public var dryRun = false

        public var scrubbedFiles: Int { scrubbed.count + removedFiles.count }
        /// Whether the person appears anywhere the pipeline reads or writes.
        public var foundAnywhere: Bool {
            wasKnown || listedSince != nil || removed.contains { $0.rows > 0 } || scrubbedFiles > 0 || !inboxFiles.isEmpty
        }
    }

    package let db: Database?
    package let outputs: [String]
    package let inbox: String?

    /// An erasure in `db`, scrubbing run folders in `output` and in every output folder the
    /// run log recorded; `inbox` is searched for deliveries that still hold the person.
    public init(db: Database, output: String, inbox: String? = nil) {
        self.db = db
        outputs = [output]
        self.inbox = inbox
    }

    /// An erasure for a pipeline; `db` is nil for a dry run without a database yet.
    public init(db: Database?, config: PipelineConfig) {
        self.db = db
        outputs = [config.output]
        inbox = config.inbox
    }

    /// Erases the person with `pseudonym` (64 lowercase hex characters). A pseudonym found
    /// nowhere (database, erasure list, inbox, run folders) is refused with exit 65 unless
    /// `notYetDelivered`; `dryRun` reports what would go and changes nothing.
    public func erase(pseudonym: String, notYetDelivered: Bool = false, dryRun: Bool = false) throws -> Summary {
        guard Pseudonym(hex: pseudonym) != nil else {
            throw OutflowError(.usage, "--pseudo-id must be 64 lowercase hex characters")
        }
        var summary = Summary()
        summary.dryRun = dryRun
        let digest = Hex.encode(SHA256.hash(Array(pseudonym.utf8)))
        let store = db.map(ErasureStore.init)
        if let store {
            let preview = try store.preview(pseudonym: pseudonym)
            summary.wasKnown = preview.personKnown
            summary.removed = preview.removed
            summary.listedSince = try store.listedAt(digest: digest)
        }
        summary.outputFolders = try outputFolders()
        let holding = summary.outputFolders.flatMap { Self.runFolderFiles(in: $0) }.filter { PseudonymScan.fileContains($0, pseudonym) }
        for path in holding {
            if PseudonymScan.isText(path) { summary.scrubbed.append(path) } else { summary.removedFiles.append(path) }
        }
        if let inbox { summary.inboxFiles = Self.inboxFiles(in: inbox).filter { PseudonymScan.fileContains(inbox + "/" + $0, pseudonym) } }
        guard summary.foundAnywhere || notYetDelivered else {
            throw OutflowError(.dataError, "pseudonym not found: no person, quarantined row, inbox file or run folder holds it, and it is not on the erasure list; check it (and that it was made with the suppliers' key), or add --not-yet-delivered to put it on the erasure list for deliveries still to come")
        }
        if dryRun { return summary }

        if let store {
            let outcome = try store.erase(pseudonym: pseudonym, digest: digest)
            summary.wasKnown = outcome.personKnown
            summary.removed = outcome.removed
            try store.compact()
        }
        for path in summary.scrubbed { try Self.dropLines(naming: pseudonym, in: path) }
        for path in summary.removedFiles {
            guard unlink(path) == 0 else {
                throw OutflowError(.cannotCreate, "\(path): cannot remove: \(String(cString: strerror(errno)))")
            }
        }
        return summary
    }

    /// The configured output folder and every one the run log recorded, as absolute paths,
    /// each once, existing ones only.
    package func outputFolders() throws -> [String] {
        let recorded = try db.map { try RunLogStore(db: $0).outputFolders() } ?? []
        var seen = Set<String>()
        var folders: [String] = []
        for folder in outputs + recorded {
            let path = URL(fileURLWithPath: folder).standardizedFileURL.path
            var isDirectory: ObjCBool = false
            guard seen.insert(path).inserted, FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            folders.append(path)
        }
        return folders
    }

    /// Every regular file of the run folders in an output folder: folders whose name holds a
    /// run id (`20250401T020000Z`, `...-2`, the `.tmp-...` folders of runs that died), directly
    /// in it or in its `reports/` folder. Nothing else in the folder is read, so an `--out`
    /// folder shared with other files is left alone. `latest` is a link and not followed.
    package static func runFolderFiles(in output: String) -> [String] {
        var files: [String] = []
        for parent in [output, output + "/reports"] {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { continue }
            for name in names.sorted() where containsRunId(name) && isDirectory(parent + "/" + name) {
                files += regularFiles(under: parent + "/" + name)
            }
        }
        return files
    }

    /// Whether `name` holds a run id: 8 digits, `T`, 6 digits, `Z`.
    package static func containsRunId(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count >= 16 else { return false }
        func digits(_ range: Range<Int>) -> Bool { bytes[range].allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        for start in 0...(bytes.count - 16) where bytes[start + 8] == 0x54 && bytes[start + 15] == 0x5A {
            if digits(start..<(start + 8)) && digits((start + 9)..<(start + 15)) { return true }
        }
        return false
    }

    /// The regular files under a folder, at any depth, without following links.
    private static func regularFiles(under folder: String) -> [String] {
        var files: [String] = []
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return files }
        for name in names.sorted() {
            let path = folder + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: files += regularFiles(under: path)
            case S_IFREG: files.append(path)
            default: continue
            }
        }
        return files
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// The names of the regular files in the inbox (links followed, subfolders not searched).
    package static func inboxFiles(in inbox: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: inbox) else { return [] }
        return names.sorted().filter { name in
            var info = stat()
            return stat(inbox + "/" + name, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
        }
    }

    /// Rewrites a text file without the lines naming the pseudonym (in any case), keeping its mode.
    private static func dropLines(naming pseudonym: String, in path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OutflowError(.ioError, "\(path): cannot read it to remove the person")
        }
        var info = stat()
        let mode = stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0o600
        let text = String(decoding: data, as: UTF8.self)
        let kept = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.lowercased().contains(pseudonym) }
        try RunFolder.writeFile(path, Array(kept.joined(separator: "\n").utf8), mode: mode)
    }
}

/// Searches files for a pseudonym's bytes, in chunks and ignoring case, so an inbox of
/// hundreds of megabytes is searched in little memory. Deliveries are UTF-8 or
/// Windows-1252, in both of which a pseudonym is the same ASCII bytes.
package enum PseudonymScan {
    /// Whether the file at `path` holds `needle` (lowercase ASCII) in any case.
    package static func fileContains(_ path: String, _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        var carry: [UInt8] = []
        while true {
            guard let data = try? handle.read(upToCount: 1 << 20), !data.isEmpty else { return false }
            let window = carry + data.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
            if contains(window, pattern) { return true }
            carry = Array(window.suffix(pattern.count - 1))
        }
    }

    /// Whether `haystack` holds `needle`: candidates by the first byte (memchr), then compared.
    package static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pin in
                let base = hay.baseAddress!, last = hay.count - pin.count
                var offset = 0
                while offset <= last {
                    guard let hit = memchr(base + offset, Int32(pin[0]), last - offset + 1) else { return false }
                    offset = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + offset, pin.baseAddress!, pin.count) == 0 { return true }
                    offset += 1
                }
                return false
            }
        }
    }

    /// Whether a file reads as text: no NUL byte in its first 64 KiB (a zip or other binary has some).
    package static func isText(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 1 << 16)) ?? Data()
        return !head.contains(0)
    }
}
