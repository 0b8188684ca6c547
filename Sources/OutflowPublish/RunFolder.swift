// The run folder (docs/outputs.md): written under a temporary sibling name, every file
// fsynced, renamed into place only when complete, then `latest` switched atomically by
// renaming a fresh symlink over it. A failed or killed run leaves no folder under a final
// name and `latest` where it was. Old runs beyond `keepRuns` are removed oldest first.
// A report for another cut-off (`outflow report --as-of`) goes to
// `reports/<as-of>-<run-id>/` instead and leaves `latest` and the run folders alone.
// Modes and group come from `FileAccess` (`access.group`).

import Foundation
import OutflowCore
import OutflowCSV
import OutflowAnalysis

/// Where a run folder is published.
public enum RunTarget: Sendable, Equatable {
    /// `OUTPUT/<run-id>/`, and `latest` is switched to it.
    case latest
    /// `OUTPUT/reports/<as-of>-<run-id>/`; `latest` is left alone.
    case report(asOf: Day)

    /// How `run_log.target` names it.
    public var name: String {
        switch self {
        case .latest: return "latest"
        case .report: return "reports"
        }
    }
}

/// A run folder being written. Files may be written from several threads at once (each
/// file is its own; a shared subfolder is created by whichever comes first).
public struct RunFolder: Sendable {
    public let output: String
    public let runId: String
    public let target: RunTarget
    public let access: FileAccess
    /// The folder the run folder is published in: `output`, or `output/reports`.
    public let parent: String
    /// The run folder's final name: the run id, or `<as-of>-<run-id>` for a report.
    public let name: String
    /// The temporary folder files are written into.
    public let staging: String

    /// Creates the output folder (and `reports/`) when missing and a fresh temporary run folder.
    public init(output: String, runId: String, target: RunTarget = .latest, access: FileAccess = .ownerOnly) throws {
        self.output = output
        self.runId = runId
        self.target = target
        self.access = access
        switch target {
        case .latest:
            parent = output
            name = runId
        case .report(let asOf):
            parent = output + "/" + RunFolder.reportsFolder
            name = asOf.iso + "-" + runId
        }
        staging = parent + "/.tmp-" + name + "-\(getpid())"
        try RunFolder.makeDirectory(output, .analystFolder, access: access)
        if parent != output { try RunFolder.makeDirectory(parent, .analystFolder, access: access) }
        if FileManager.default.fileExists(atPath: staging) { try? FileManager.default.removeItem(atPath: staging) }
        try RunFolder.makeDirectory(staging, .analystFolder, access: access)
    }

    /// The folder of `output` that reports for other cut-offs go to.
    public static let reportsFolder = "reports"

    /// Writes one text file of the run as UTF-8.
    public func write(_ name: String, _ content: String, restricted: Bool = false) throws {
        try write(name, Array(content.utf8), restricted: restricted)
    }

    /// Writes one file of the run (restricted files go under `restricted/`, owner-only, in
    /// owner-only subfolders when the name has one: `exact/outflow.csv`).
    public func write(_ name: String, _ bytes: [UInt8], restricted: Bool = false) throws {
        try write(name, .bytes(bytes), restricted: restricted)
    }

    /// Writes one file of the run from its rendered content: text, bytes, or chunks as they
    /// are produced.
    public func write(_ name: String, _ content: PublishedFile.Content, restricted: Bool = false) throws {
        var folder = staging
        var file = name
        if restricted {
            folder += "/restricted"
            if !FileManager.default.fileExists(atPath: folder) { try RunFolder.makeDirectory(folder, .restrictedFolder, access: access) }
            if let slash = name.lastIndex(of: "/") {
                folder += "/" + name[..<slash]
                file = String(name[name.index(after: slash)...])
                if !FileManager.default.fileExists(atPath: folder) { try RunFolder.makeDirectory(folder, .restrictedFolder, access: access) }
            }
        }
        let path = folder + "/" + file
        try RunFolder.writeFile(path, produce: content.write) { fd in
            try access.apply(restricted ? .restrictedFile : .analystFile, toOpenFile: fd, path: path)
        }
    }

    /// Renames the finished folder into place and, for `.latest`, points `latest` at it;
    /// returns the final path.
    public func commit() throws -> String {
        try RunFolder.syncDirectory(staging)
        for sub in ["/restricted/exact", "/restricted"] where FileManager.default.fileExists(atPath: staging + sub) {
            try RunFolder.syncDirectory(staging + sub)
        }
        let final = parent + "/" + name
        guard rename(staging, final) == 0 else {
            throw OutflowError(.cannotCreate, "\(final): cannot move the run folder into place: \(String(cString: strerror(errno)))")
        }
        guard target == .latest else {
            try RunFolder.syncDirectory(parent)
            return final
        }
        let link = output + "/latest"
        let temporaryLink = output + "/.latest-\(getpid())"
        unlink(temporaryLink)
        guard symlink(runId, temporaryLink) == 0, rename(temporaryLink, link) == 0 else {
            throw OutflowError(.cannotCreate, "\(link): cannot switch latest: \(String(cString: strerror(errno)))")
        }
        try RunFolder.syncDirectory(output)
        return final
    }

    /// Removes the temporary folder of a failed run.
    public func discard() {
        try? FileManager.default.removeItem(atPath: staging)
    }

    /// A run id later than every run in `output` and its `reports/` and than `recorded` (the
    /// run log's): the UTC timestamp, with `-2`, `-3`... when runs of the same second exist already.
    public static func freshRunId(output: String, base: String = Clock.runId(), recorded: (String) throws -> [String] = { _ in [] }) rethrows -> String {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: output)) ?? []) + (try recorded(base))
            + ((try? FileManager.default.contentsOfDirectory(atPath: output + "/" + reportsFolder)) ?? []).map(reportRunId)
        let taken = names.filter { $0 == base || $0.hasPrefix(base + "-") }.map(sequence)
        guard let last = taken.max() else { return base }
        return base + "-\(last + 1)"
    }

    /// The run id in the name of a report folder (`2025-02-28-20250401T014503Z` ->
    /// `20250401T014503Z`); other names as they are.
    package static func reportRunId(_ name: String) -> String {
        let bytes = Array(name.utf8)
        guard bytes.count > 11, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x2D,
              Day(parsing: String(name.prefix(10))) != nil else { return name }
        return String(name.dropFirst(11))
    }

    /// Removes published run folders beyond the newest `keep`, oldest first, and temporary
    /// folders and links of runs that died; the same, separately, for the reports in `reports/`.
    public static func prune(output: String, keep: Int, current: String) {
        prune(folder: output, keep: keep, current: current, runId: { $0 })
        prune(folder: output + "/" + reportsFolder, keep: keep, current: current, runId: reportRunId)
    }

    private static func prune(folder: String, keep: Int, current: String, runId: (String) -> String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        let runs = names.map { (name: $0, id: runId($0)) }
            .filter { $0.id.count >= 16 && $0.id.first!.isNumber && $0.id.contains("T") }
            .sorted { (String($0.id.prefix(16)), sequence($0.id)) < (String($1.id.prefix(16)), sequence($1.id)) }
        for old in runs.dropLast(keep) where old.id != current {
            try? FileManager.default.removeItem(atPath: folder + "/" + old.name)
        }
        for stale in names where (stale.hasPrefix(".tmp-") || stale.hasPrefix(".latest-")) && !stale.hasSuffix("-\(getpid())") {
            try? FileManager.default.removeItem(atPath: folder + "/" + stale)
        }
    }

    /// The position of a run within its second: 1 for `...Z`, n for `...Z-n`.
    package static func sequence(_ runId: String) -> Int {
        guard let dash = runId.lastIndex(of: "-"), let n = Int(runId[runId.index(after: dash)...]) else { return 1 }
        return n
    }

    // MARK: - File system

    /// Creates a folder (and its missing parents) with the mode and group of `kind`; a folder
    /// that exists already is shared with the analysts' group (`FileAccess.share`) when it is
    /// one they read through, and otherwise left as it is.
    package static func makeDirectory(_ path: String, _ kind: FileAccess.Kind, access: FileAccess) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw OutflowError(.cannotCreate, "\(path): exists and is not a folder") }
            if kind == .analystFolder || kind == .databaseFolder { try access.share(existingFolder: path) }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw OutflowError(.cannotCreate, "\(path): cannot create folder: \(RunFolder.reason(error))")
        }
        try access.apply(kind, to: path)
    }

    /// Writes bytes with the mode and group of `kind` and fsyncs them.
    package static func writeFile(_ path: String, _ bytes: [UInt8], _ kind: FileAccess.Kind, access: FileAccess) throws {
        try writeFile(path, bytes) { fd in try access.apply(kind, toOpenFile: fd, path: path) }
    }

    /// Writes bytes with `mode` (a scrubbed file keeps the mode it had) and fsyncs them.
    package static func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t) throws {
        try writeFile(path, bytes) { fd in fchmod(fd, mode) }
    }

    /// Writes bytes and fsyncs them; ENOSPC and EIO are I/O errors (74), others cannot-create (73).
    /// `prepare` sets the open file's mode before anything is written.
    private static func writeFile(_ path: String, _ bytes: [UInt8], prepare: (Int32) throws -> Void) throws {
        try writeFile(path, produce: { try bytes.withUnsafeBytes($0) }, prepare: prepare)
    }

    /// Writes what `produce` hands over, chunk by chunk, and fsyncs it.
    private static func writeFile(_ path: String, produce: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void,
                                  prepare: (Int32) throws -> Void) throws {
        let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw OutflowError(.cannotCreate, "\(path): cannot create: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try prepare(fd)
        try produce { chunk in
            var offset = 0
            while offset < chunk.count {
                let n = Glibc.write(fd, chunk.baseAddress! + offset, chunk.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OutflowError(.ioError, "\(path): cannot write: \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
        guard fsync(fd) == 0 else { throw OutflowError(.ioError, "\(path): cannot sync: \(String(cString: strerror(errno)))") }
    }

    package static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw OutflowError(.ioError, "\(path): cannot open folder: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        fsync(fd)
    }

    package static func reason(_ error: Error) -> String {
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return error.localizedDescription
    }
}
