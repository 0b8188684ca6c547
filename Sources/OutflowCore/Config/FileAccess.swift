// Who may read what Outflow writes: the one place file modes and group ownership are
// decided (`access.group` in the pipeline file, docs/pipeline-file.md). Without a group,
// the database is the owner's alone and analyst outputs are readable by everyone, as
// before; with one, the database and the analyst outputs belong to that group and are
// readable by it only. Steward outputs (`restricted/`) are always the owner's alone.

import Foundation

/// File modes and the group that analysts read through.
public struct FileAccess: Sendable, Equatable {
    /// What a path is, which decides its mode.
    public enum Kind: Sendable {
        /// The database file, its `-wal` and `-shm`.
        case database
        /// The folder holding the database.
        case databaseFolder
        /// A file analysts read (report.html, the CSV files, manifest.json).
        case analystFile
        /// A folder analysts open (the output folder, run folders, `reports/`).
        case analystFolder
        /// A steward file (`restricted/...`), the run lock, a supplier's output.
        case restrictedFile
        /// A steward folder (`restricted/`, `restricted/exact/`).
        case restrictedFolder
    }

    /// The group analysts belong to (`access.group`), nil when unset.
    public let groupName: String?
    public let groupId: gid_t?

    /// Without `access.group`: the database owner-only, analyst outputs readable by all.
    public static let ownerOnly = FileAccess(groupName: nil, groupId: nil)

    private init(groupName: String?, groupId: gid_t?) {
        self.groupName = groupName
        self.groupId = groupId
    }

    /// Access through the group `name`; nil when this machine knows no such group.
    public static func group(_ name: String) -> FileAccess? {
        guard let entry = getgrnam(name) else { return nil }
        return FileAccess(groupName: name, groupId: entry.pointee.gr_gid)
    }

    /// True when analysts read through a group.
    public var isShared: Bool { groupId != nil }

    /// The mode a path of `kind` gets.
    public func mode(_ kind: Kind) -> mode_t {
        switch kind {
        case .database: return isShared ? 0o640 : 0o600
        case .databaseFolder: return isShared ? 0o750 : 0o700
        case .analystFile: return isShared ? 0o640 : 0o644
        case .analystFolder: return isShared ? 0o750 : 0o755
        case .restrictedFile: return 0o600
        case .restrictedFolder: return 0o700
        }
    }

    /// Whether the group owns paths of `kind`.
    private func isGroupOwned(_ kind: Kind) -> Bool {
        switch kind {
        case .database, .databaseFolder, .analystFile, .analystFolder: return isShared
        case .restrictedFile, .restrictedFolder: return false
        }
    }

    /// Gives an existing file or folder the mode and group of `kind` (links are not followed).
    public func apply(_ kind: Kind, to path: String) throws {
        try setGroup(kind, path)
        guard chmod(path, mode(kind)) == 0 else { throw failure(path, "cannot set its mode") }
    }

    /// The same for a file open as `fd` (set before anything is written to it).
    public func apply(_ kind: Kind, toOpenFile fd: Int32, path: String) throws {
        if isGroupOwned(kind), let groupId, fchown(fd, uid_t.max, groupId) != 0 { throw groupFailure(path) }
        guard fchmod(fd, mode(kind)) == 0 else { throw failure(path, "cannot set its mode") }
    }

    /// A folder that existed before Outflow used it (the database's folder, the output
    /// folder): with a group, the group gets it and may open it (`g+rx` added, nothing
    /// else changed); without one it is left as it is.
    public func share(existingFolder path: String) throws {
        guard isShared else { return }
        var info = stat()
        guard stat(path, &info) == 0 else { throw failure(path, "cannot read its mode") }
        if info.st_gid != groupId { try setGroup(.analystFolder, path) }
        let wanted = (info.st_mode & 0o7777) | 0o050
        if wanted != info.st_mode & 0o7777, chmod(path, wanted) != 0 { throw failure(path, "cannot let group \(groupName!) open it") }
    }

    private func setGroup(_ kind: Kind, _ path: String) throws {
        guard isGroupOwned(kind), let groupId else { return }
        if lchown(path, uid_t.max, groupId) != 0 { throw groupFailure(path) }
    }

    private func groupFailure(_ path: String) -> OutflowError {
        let reason = String(cString: strerror(errno))
        return OutflowError(.cannotCreate, "\(path): cannot give it to group \(groupName!) (access.group): \(reason); the user running outflow must be a member of the group")
    }

    private func failure(_ path: String, _ what: String) -> OutflowError {
        OutflowError(.cannotCreate, "\(path): \(what): \(String(cString: strerror(errno)))")
    }
}
