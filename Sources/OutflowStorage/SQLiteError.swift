// The one error type of the SQLite layer. Like GRDB's DatabaseError it carries the
// extended result code, SQLite's own message and the SQL being run, so a failure in a
// nightly log says what was being done without a debugger.

import CSQLite

/// A failed `sqlite3_*` call: extended result code, SQLite's message and the SQL.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String
    public let sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The primary result code (`SQLITE_CONSTRAINT` for all constraint failures, ...).
    public var primaryCode: Int32 { code & 0xFF }

    /// True when the disk or the file system refused the write (full disk, read-only, I/O).
    public var isStorageFailure: Bool {
        [SQLITE_FULL, SQLITE_IOERR, SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_CORRUPT, SQLITE_NOTADB]
            .contains(primaryCode)
    }

    public var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " - while executing `\(sql.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " "))`" }
        return text
    }
}

import Foundation
import OutflowCore
