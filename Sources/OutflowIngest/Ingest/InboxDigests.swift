// What the ingest knows of the inbox's files without reading them: for each name, the
// SHA-256 of its bytes, recorded with the size and modification time the file had when it
// was hashed (`inbox_file`). Files stay in the inbox for good, so without this every run
// would hash every delivery ever made again to find the few new ones. A file whose name,
// size and modification time (to the nanosecond) are unchanged is taken to hold the same
// bytes, the way `git status` and `rsync` decide it. Only files last modified at least
// `settledSeconds` before they were looked at are recorded: a file rewritten within the
// file system's timestamp granularity could otherwise keep its old time.

import Foundation
import OutflowCore
import OutflowCSV
import OutflowStorage

/// The size and modification time of an inbox file, as `stat(2)` gives them.
package struct InboxFileState {
    package var size: Int
    package var modifiedNs: Int

    /// The state of the file at `path`; nil when it cannot be read.
    package init?(path: String) {
        var attributes = stat()
        guard stat(path, &attributes) == 0 else { return nil }
        size = Int(attributes.st_size)
        modifiedNs = Int(attributes.st_mtim.tv_sec) * 1_000_000_000 + Int(attributes.st_mtim.tv_nsec)
    }
}

/// The inbox digests as the ingest uses them: looked up by a file's state, recorded once it has settled.
package struct InboxDigests {
    package let db: Database

    /// How long a file must have been left alone before its state is trusted.
    package static let settledSeconds = 5

    /// The recorded SHA-256 of the file `name` if its size and modification time are the ones recorded.
    package func digest(name: String, state: InboxFileState) throws -> String? {
        try InboxFileStore(db: db).sha256(fileName: name, sizeBytes: state.size, modifiedNs: state.modifiedNs)
    }

    /// Records the SHA-256 of the file `name` as it was in `state`, looked at `now`; a file
    /// modified less than `settledSeconds` before is not recorded (it is hashed again next time).
    package func record(name: String, state: InboxFileState, sha256: String, now: Date = Date()) throws {
        let settled = Int(now.timeIntervalSince1970 * 1e9) - Self.settledSeconds * 1_000_000_000
        guard state.modifiedNs <= settled else { return }
        try InboxFileStore(db: db).record(fileName: name, sizeBytes: state.size, modifiedNs: state.modifiedNs, sha256: sha256)
    }
}
