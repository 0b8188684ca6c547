// The SQLite connection: opening the file with the pragmas the pipeline relies on (WAL,
// foreign keys, the file modes of `FileAccess`), running SQL, and transactions as closures that commit
// on return and roll back on throw. A connection is used by one thread only (it is opened
// without SQLite's mutex); besides the main one, a run opens companion connections on worker
// threads (`companion(path:)`: the linkage audit, the cohort mart, the WAL checkpoint), which
// WAL lets read while another connection writes.

import CSQLite
import Foundation
import OutflowCore

/// An open SQLite database file. Owns the C handle; not Sendable.
public final class Database {
    package let handle: OpaquePointer
    /// The path of the database file.
    public let path: String
    /// Who may read the file, its WAL and shared memory (`access.group`).
    public let access: FileAccess

    /// Opens (creating when missing) the database at `path` in WAL mode, foreign keys on,
    /// the file mode of `access` (0600, or 0640 for the analysts' group), and applies the
    /// schema migrations. `readOnly` opens an existing file for reading only, as it is
    /// (`outflow status`): nothing is created, set or migrated.
    public init(path: String, migrate: Bool = true, readOnly: Bool = false, access: FileAccess = .ownerOnly) throws {
        self.path = path
        self.access = access
        let existed = FileManager.default.fileExists(atPath: path)
        if !existed && !readOnly {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            // Create the file ourselves so it is never, even briefly, readable by others.
            let fd = open(path, O_CREAT | O_WRONLY, 0o600)
            if fd < 0 { throw SQLiteError(code: SQLITE_CANTOPEN, message: "cannot create \(path): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            try access.apply(.database, toOpenFile: fd, path: path)
        }
        _ = Database.configured
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc, message: "\(message) (\(path))")
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 5000)
        if readOnly { return }
        // WAL is a property of the file: the connection that creates and migrates the database
        // sets it; a further connection (`migrate: false`) finds it set and does not ask for
        // the lock that changing it would take while the run's main connection is writing.
        if migrate { try execute("PRAGMA journal_mode = WAL") }
        try execute("PRAGMA synchronous = NORMAL")
        try execute("PRAGMA foreign_keys = ON")
        try execute("PRAGMA cache_size = -32768")
        // Checkpoints run once after a whole ingest (`checkpoint()`), not after every file.
        try execute("PRAGMA wal_autocheckpoint = 0")
        if access.isShared { keepWALFiles() }
        try applyPermissions()
        if migrate {
            try Migrations.apply(to: self)
            try applyPermissions()   // a new database's WAL is only made by the first write
        }
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Process-wide SQLite settings, applied once before the first connection opens.
    private static let configured: Bool = {
        csqlite_disable_memory_statistics() == SQLITE_OK
    }()

    /// Gives the database and its WAL and shared-memory files the mode and group of
    /// `access`. SQLite makes a missing `-wal` or `-shm` with the database file's mode but
    /// the group of the process, so this runs after every open.
    public func applyPermissions() throws {
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            try access.apply(.database, to: path + suffix)
        }
    }

    /// Keeps `-wal` (emptied) and `-shm` when the last connection closes, instead of deleting
    /// them: a reader who may not create files beside the database (an analyst of the group)
    /// can then still open it read-only.
    private func keepWALFiles() {
        var on: Int32 = 1
        sqlite3_file_control(handle, "main", SQLITE_FCNTL_PERSIST_WAL, &on)
    }

    // MARK: - Running SQL

    /// Runs one or more statements without results.
    public func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(error)
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: message, sql: sql)
        }
    }

    /// Runs one statement with bound arguments, discarding results.
    public func run(_ sql: String, _ arguments: [SQLValue] = []) throws {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        try statement.run()
    }

    /// Prepares a statement for repeated use.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// All rows of a query, each row mapped by `transform`.
    /// `expected` reserves room up front, sparing a large result the doubling of its array.
    public func query<T>(_ sql: String, _ arguments: [SQLValue] = [], expected: Int = 0, _ transform: (Row) throws -> T) throws -> [T] {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        var result: [T] = []
        result.reserveCapacity(expected)
        while let row = try statement.step() { result.append(try transform(row)) }
        return result
    }

    /// The first column of the first row, or nil when there is no row.
    public func scalarInt(_ sql: String, _ arguments: [SQLValue] = []) throws -> Int? {
        try query(sql, arguments) { $0.isNull(0) ? nil : $0.int(0) }.first ?? nil
    }

    /// The first column of the first row as text, or nil.
    public func scalarText(_ sql: String, _ arguments: [SQLValue] = []) throws -> String? {
        try query(sql, arguments) { $0.text(0) }.first ?? nil
    }

    /// A further connection to a database file, opened on the thread that uses it (the audit,
    /// the cohort mart, a checkpoint): no migrations, and a 2 MiB page cache, since it reads or
    /// writes front to back. `access` is that of the main connection.
    public static func companion(path: String, access: FileAccess) throws -> Database {
        let other = try Database(path: path, migrate: false, access: access)
        try other.execute("PRAGMA cache_size = -2048")
        return other
    }

    /// A consistent copy of the database at `path` written to `copy`, read through a
    /// connection of its own in one read transaction (`VACUUM INTO`): a writer on the same
    /// file is neither blocked nor disturbed, and nothing is written to the original.
    public static func copy(of path: String, to copy: String) throws {
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        defer { sqlite3_close_v2(handle) }
        guard rc == SQLITE_OK, let handle else {
            throw SQLiteError(code: rc, message: "cannot open \(path) to read")
        }
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, 5000)
        let sql = "VACUUM INTO ?"
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
        defer { sqlite3_finalize(statement) }
        sqlite3_bind_text(statement, 1, copy, -1, csqlite_transient())
        guard sqlite3_step(statement) == SQLITE_DONE else {
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
    }

    /// Copies the WAL into the database file and truncates it.
    public func checkpoint() throws {
        try execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// The rowid of the last successful INSERT.
    public var lastInsertRowID: Int { Int(sqlite3_last_insert_rowid(handle)) }

    // MARK: - Transactions

    /// The kind of lock a transaction takes at its start.
    public enum TransactionKind: String { case deferred = "DEFERRED", immediate = "IMMEDIATE" }

    /// Runs `body` in a transaction that commits when it returns and rolls back when it throws,
    /// rethrowing the first error.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        try execute("BEGIN \(kind.rawValue)")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    package func error(sql: String?) -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }
}
