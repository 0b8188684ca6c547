// The run folder (docs/outputs.md): written under a temporary sibling name, every file
// fsynced, renamed into place only when complete, then `latest` switched atomically by
// renaming a fresh symlink over it. A failed or killed run leaves no folder under a final
// name and `latest` where it was. Old runs beyond `keepRuns` are removed oldest first.

import Foundation
import OutflowCore
import OutflowCSV
import OutflowAnalysis

/// A run folder being written.
public struct RunFolder {
    public let output: String
    public let runId: String
    /// The temporary folder files are written into.
    public let staging: String

    /// Creates the output folder when missing and a fresh temporary run folder.
    public init(output: String, runId: String) throws {
        self.output = output
        self.runId = runId
        staging = output + "/.tmp-" + runId + "-\(getpid())"
        try RunFolder.makeDirectory(output, mode: 0o755)
        if FileManager.default.fileExists(atPath: staging) { try? FileManager.default.removeItem(atPath: staging) }
        try RunFolder.makeDirectory(staging, mode: 0o755)
    }

    /// Writes one text file of the run as UTF-8.
    public func write(_ name: String, _ content: String, restricted: Bool = false) throws {
        try write(name, Array(content.utf8), restricted: restricted)
    }

    /// Writes one file of the run from its rendered content, text or bytes.
    public func write(_ name: String, _ content: PublishedFile.Content, restricted: Bool = false) throws {
        try write(name, content.bytes, restricted: restricted)
    }

    /// Writes one file of the run (restricted files go under `restricted/`, owner-only, in
    /// owner-only subfolders when the name has one: `exact/outflow.csv`).
    public func write(_ name: String, _ bytes: [UInt8], restricted: Bool = false) throws {
        var folder = staging
        var file = name
        if restricted {
            folder += "/restricted"
            if !FileManager.default.fileExists(atPath: folder) { try RunFolder.makeDirectory(folder, mode: 0o700) }
            if let slash = name.lastIndex(of: "/") {
                folder += "/" + name[..<slash]
                file = String(name[name.index(after: slash)...])
                if !FileManager.default.fileExists(atPath: folder) { try RunFolder.makeDirectory(folder, mode: 0o700) }
            }
        }
        try RunFolder.writeFile(folder + "/" + file, bytes, mode: restricted ? 0o600 : 0o644)
    }

    /// Renames the finished folder into place and points `latest` at it; returns the final path.
    public func commit() throws -> String {
        try RunFolder.syncDirectory(staging)
        for sub in ["/restricted/exact", "/restricted"] where FileManager.default.fileExists(atPath: staging + sub) {
            try RunFolder.syncDirectory(staging + sub)
        }
        let final = output + "/" + runId
        guard rename(staging, final) == 0 else {
            throw OutflowError(.cannotCreate, "\(final): cannot move the run folder into place: \(String(cString: strerror(errno)))")
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

    /// A run id later than every run in `output`: the UTC timestamp, with `-2`, `-3`...
    /// when runs of the same second exist already.
    public static func freshRunId(output: String, base: String = Clock.runId()) -> String {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: output)) ?? []
        let taken = names.filter { $0 == base || $0.hasPrefix(base + "-") }.map(sequence)
        guard let last = taken.max() else { return base }
        return base + "-\(last + 1)"
    }

    /// Removes published run folders beyond the newest `keep`, oldest first, and temporary
    /// folders and links of runs that died.
    public static func prune(output: String, keep: Int, current: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: output) else { return }
        let runs = names.filter { $0.count >= 16 && $0.first!.isNumber && $0.contains("T") }
            .sorted { (String($0.prefix(16)), sequence($0)) < (String($1.prefix(16)), sequence($1)) }
        for old in runs.dropLast(keep) where old != current {
            try? FileManager.default.removeItem(atPath: output + "/" + old)
        }
        for stale in names where (stale.hasPrefix(".tmp-") || stale.hasPrefix(".latest-")) && !stale.hasSuffix("-\(getpid())") {
            try? FileManager.default.removeItem(atPath: output + "/" + stale)
        }
    }

    /// The position of a run within its second: 1 for `...Z`, n for `...Z-n`.
    package static func sequence(_ runId: String) -> Int {
        guard let dash = runId.lastIndex(of: "-"), let n = Int(runId[runId.index(after: dash)...]) else { return 1 }
        return n
    }

    // MARK: - File system

    package static func makeDirectory(_ path: String, mode: mode_t) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return }
            throw OutflowError(.cannotCreate, "\(path): exists and is not a folder")
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw OutflowError(.cannotCreate, "\(path): cannot create folder: \(RunFolder.reason(error))")
        }
        chmod(path, mode)
    }

    /// Writes bytes and fsyncs them; ENOSPC and EIO are I/O errors (74), others cannot-create (73).
    package static func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t) throws {
        let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw OutflowError(.cannotCreate, "\(path): cannot create: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        fchmod(fd, mode)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw OutflowError(.ioError, "\(path): cannot write: \(String(cString: strerror(errno)))")
            }
            offset += n
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
