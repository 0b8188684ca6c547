// One run per database at a time: an exclusive, non-blocking flock on `<database>.lock`
// held for the whole run. The kernel drops the lock when the process dies, even by
// kill -9, so a crashed run never blocks the next night.

import Foundation
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowAnalysis
import OutflowPublish

/// An exclusive lock on a database's lock file, released on deinit.
public final class RunLock {
    private let fd: Int32
    public let path: String

    /// Takes the lock at once or throws exit status 75.
    public init(path: String) throws {
        self.path = path
        // The descriptor is kept only once the lock is held: an initializer that throws after
        // every property is set still runs `deinit`, which would close the descriptor a second
        // time (by then perhaps another file's, opened on another thread).
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, FileAccess.ownerOnly.mode(.restrictedFile))
        guard descriptor >= 0 else {
            throw OutflowError(.cannotCreate, "\(path): cannot create the lock file: \(String(cString: strerror(errno)))")
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            close(descriptor)
            if busy { throw OutflowError(.locked, "\(path): another outflow run holds the lock on this database; try again later") }
            throw OutflowError(.ioError, "\(path): cannot lock: \(reason)")
        }
        fd = descriptor
        let pid = "\(getpid())\n"
        ftruncate(fd, 0)
        _ = pid.withCString { write(fd, $0, strlen($0)) }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
