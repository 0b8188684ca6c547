// `access.group`: the database, its WAL and shared memory, and every analyst folder and file
// of a run and of a report belong to the analysts' group and are readable by it (0640/0750);
// restricted/ stays the owner's alone (0600/0700). Without the key, modes are as before.

import Foundation
import Testing
import OutflowCore
import OutflowStorage
import OutflowPipeline
import OutflowTestSupport

struct FileAccessTests {
    /// The groups to try: the user's primary group and, for root (who may give files to any
    /// group), another group of this machine, so the group is seen to change.
    static var groups: [String] {
        var names = [String(cString: getgrgid(getgid())!.pointee.gr_name)]
        let candidates = ["nogroup", "users", "staff", "daemon"]
        if getuid() == 0, let other = candidates.first(where: { name in Self.groupId(name).map { $0 != getgid() } ?? false }) {
            names.append(other)
        }
        return names
    }

    static func groupId(_ name: String) -> gid_t? { getgrnam(name).map { $0.pointee.gr_gid } }

    /// Mode bits and group of a path (not following links).
    static func owner(_ path: String) -> (mode: mode_t, group: gid_t)? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return (info.st_mode & 0o7777, info.st_gid)
    }

    @Test(arguments: groups)
    func theGroupReadsTheDatabaseAndAnalystOutputsButNotRestricted(group: String) throws {
        let gid = try #require(Self.groupId(group))
        let ws = try Workspace(extra: ", \"access\": { \"group\": \"\(group)\" }")
        try ws.deliverSmallInbox()
        let run = try ws.job()
        let report = try ws.job(.report, asOf: Day(parsing: "2025-03-31"))
        let runFolder = try #require(run.folder), reportFolder = try #require(report.folder)
        #expect(reportFolder.hasPrefix(ws.output + "/reports/2025-03-31-"))

        func expect(_ path: String, _ mode: mode_t, group expected: gid_t?, sourceLocation: SourceLocation = #_sourceLocation) {
            let found = Self.owner(path)
            #expect(found?.mode == mode, "\(path): mode \(String(found?.mode ?? 0, radix: 8))", sourceLocation: sourceLocation)
            if let expected { #expect(found?.group == expected, "\(path): group \(found?.group ?? 0)", sourceLocation: sourceLocation) }
        }
        // The database, and the WAL and shared memory SQLite made, kept for read-only readers.
        for suffix in ["", "-wal", "-shm"] { expect(ws.database + suffix, 0o640, group: gid) }
        expect(ws.root + "/var", 0o750, group: gid)
        expect(ws.database + ".lock", 0o600, group: nil)
        // Analyst folders and files of the run and the report.
        for folder in [ws.output, runFolder, ws.output + "/reports", reportFolder] { expect(folder, 0o750, group: gid) }
        for folder in [runFolder, reportFolder] {
            for name in JobTests.analystFiles + ["report.html", "report.xlsx", "manifest.json"] { expect(folder + "/" + name, 0o640, group: gid) }
            expect(folder + "/restricted", 0o700, group: nil)
            expect(folder + "/restricted/exact", 0o700, group: nil)
            for name in ["audit.json", "audit.html", "quarantine.csv", "exact/outflow.csv"] { expect(folder + "/restricted/" + name, 0o600, group: nil) }
        }
        // A later open (here: a connection of the analysts' group itself) fixes files SQLite made afresh.
        for suffix in ["-wal", "-shm"] { unlink(ws.database + suffix) }
        _ = try Database(path: ws.database, access: try ws.config().access)
        for suffix in ["", "-wal", "-shm"] { expect(ws.database + suffix, 0o640, group: gid) }
    }

    @Test func withoutAGroupTheDatabaseIsTheOwnersAndAnalystFilesAsBefore() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        let folder = try #require(try ws.job().folder)
        #expect(Self.owner(ws.database)?.mode == 0o600)
        #expect(Self.owner(ws.root + "/var")?.mode == 0o700)
        #expect(Self.owner(folder)?.mode == 0o755)
        #expect(Self.owner(folder + "/outflow.csv")?.mode == 0o644)
        #expect(Self.owner(folder + "/restricted")?.mode == 0o700)
        #expect(Self.owner(folder + "/restricted/audit.json")?.mode == 0o600)
        // SQLite removes its WAL and shared memory when the last connection closes, as before.
        #expect(!FileManager.default.fileExists(atPath: ws.database + "-wal"))
    }

    @Test func anExistingOutputFolderIsOpenedToTheGroupAndOtherwiseLeftAsItWas() throws {
        let group = Self.groups.last!
        let ws = try Workspace(extra: ", \"access\": { \"group\": \"\(group)\" }")
        try FileManager.default.createDirectory(atPath: ws.output, withIntermediateDirectories: true)
        chmod(ws.output, 0o700)
        try ws.deliverSmallInbox()
        _ = try ws.job()
        #expect(Self.owner(ws.output)?.mode == 0o750)
        #expect(Self.owner(ws.output)?.group == Self.groupId(group))
    }
}
