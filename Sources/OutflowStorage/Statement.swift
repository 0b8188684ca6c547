// Prepared statements: bind values by position, step rows, reset and rebind. Bulk loads
// prepare one statement per table and rebind it for every row, which is where SQLite's
// insert speed comes from.

import CSQLite
import Foundation
import OutflowCore

/// A value bound to a statement parameter.
public enum SQLValue: Sendable, Equatable {
    case null
    case int(Int)
    case double(Double)
    case text(String)
}

/// A prepared statement. Owns the C handle; not Sendable.
public final class Statement {
    package let handle: OpaquePointer
    package unowned let database: Database
    /// The SQL text, kept for error messages.
    public let sql: String

    package init(database: Database, sql: String) throws {
        self.database = database
        self.sql = sql
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw database.error(sql: sql) }
        handle = statement
    }

    deinit {
        sqlite3_finalize(handle)
    }

    // MARK: - Binding

    /// Binds `values` to parameters 1, 2, ... in order. Earlier bindings are not cleared: a
    /// parameter past `values.count` keeps its last value (NULL on a fresh statement) until
    /// `reset()`. SQLite refuses a binding while the statement is mid-step, so bind before
    /// the first `step()` or after `run()`/`reset()`.
    public func bind(_ values: [SQLValue]) throws {
        for (index, value) in values.enumerated() { try bind(value, at: index + 1) }
    }

    /// Binds one value of any kind at the 1-based `index`.
    public func bind(_ value: SQLValue, at index: Int) throws {
        switch value {
        case .null: try bindNull(index)
        case .int(let v): try bind(v, at: index)
        case .double(let v): try bind(v, at: index)
        case .text(let v): try bind(v, at: index)
        }
    }

    /// Binds one value to parameter `index`, counted from 1 as SQLite counts.
    public func bind(_ value: Int, at index: Int) throws {
        try check(sqlite3_bind_int64(handle, Int32(index), Int64(value)))
    }

    public func bind(_ value: Double, at index: Int) throws {
        try check(sqlite3_bind_double(handle, Int32(index), value))
    }

    /// SQLite copies the text (`SQLITE_TRANSIENT`), so `value` need not outlive the call.
    public func bind(_ value: String, at index: Int) throws {
        var text = value
        let rc = text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                sqlite3_bind_text(handle, Int32(index), chars.baseAddress ?? UnsafePointer(bitPattern: 1), Int32(chars.count), csqlite_transient())
            }
        }
        try check(rc)
    }

    /// Binds UTF-8 bytes as text without building a String first.
    public func bindText(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) throws {
        let rc = bytes.withMemoryRebound(to: CChar.self) { chars in
            sqlite3_bind_text(handle, Int32(index), chars.baseAddress ?? UnsafePointer(bitPattern: 1), Int32(chars.count), csqlite_transient())
        }
        try check(rc)
    }

    public func bind(_ value: Int?, at index: Int) throws {
        if let value { try bind(value, at: index) } else { try bindNull(index) }
    }

    public func bind(_ value: String?, at index: Int) throws {
        if let value { try bind(value, at: index) } else { try bindNull(index) }
    }

    public func bindNull(_ index: Int) throws {
        try check(sqlite3_bind_null(handle, Int32(index)))
    }

    // MARK: - Stepping

    /// The next row, or nil when the statement is done.
    public func step() throws -> Row? {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return Row(handle: handle)
        case SQLITE_DONE: return nil
        default: throw database.error(sql: sql)
        }
    }

    /// Runs the statement to completion, then resets it so it can be rebound.
    public func run() throws {
        defer { sqlite3_reset(handle) }
        while try step() != nil {}
    }

    /// Resets the statement for a new set of bindings.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    private func check(_ rc: Int32) throws {
        if rc != SQLITE_OK { throw database.error(sql: sql) }
    }
}

/// One result row, valid until the statement steps again.
public struct Row {
    package let handle: OpaquePointer

    public func isNull(_ column: Int) -> Bool { sqlite3_column_type(handle, Int32(column)) == SQLITE_NULL }
    public func int(_ column: Int) -> Int { Int(sqlite3_column_int64(handle, Int32(column))) }
    public func double(_ column: Int) -> Double { sqlite3_column_double(handle, Int32(column)) }
    public func optionalInt(_ column: Int) -> Int? { isNull(column) ? nil : int(column) }
    public func text(_ column: Int) -> String? {
        guard let pointer = sqlite3_column_text(handle, Int32(column)) else { return nil }
        return String(cString: pointer)
    }
    /// Text of a NOT NULL column.
    public func string(_ column: Int) -> String { text(column) ?? "" }
    /// The bytes of a text column (empty for NULL), valid until the statement steps again.
    public func withBytes<T>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        guard let pointer = sqlite3_column_text(handle, Int32(column)) else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return body(UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, Int32(column)))))
    }
    /// Whether the column holds exactly `value` (NULL matches nil), without making a String.
    public func textEquals(_ column: Int, _ value: String?) -> Bool {
        guard let pointer = sqlite3_column_text(handle, Int32(column)) else { return value == nil }
        guard var value else { return false }
        let length = Int(sqlite3_column_bytes(handle, Int32(column)))
        return value.withUTF8 { $0.count == length && memcmp($0.baseAddress!, pointer, length) == 0 }
    }
}

// Checked narrowing: the analysis keeps person ids and days in 32 bits to fit a national
// cohort in memory, so a value the database holds outside that range must stop the run as
// an internal error naming where it came from, never wrap into another person or date.
extension Row {
    /// The person id in `column` as the 32 bits the analysis keeps, or an internal error
    /// (exit 70) naming `table` and the column when it lies outside 1...Int32.max.
    package func personId(_ column: Int, table: String) throws -> Int32 {
        let value = int(column)
        guard value >= 1 && value <= Int(Int32.max) else { throw outOfRange("person id", value, column, table, "1...\(Int32.max)") }
        return Int32(truncatingIfNeeded: value)
    }

    /// The day in `column`, or an internal error naming `table` and the column when its
    /// Julian day number does not fit the 32 bits a `Day` holds (Int32.min is reserved as
    /// the "no end" marker of an episode).
    package func day(_ column: Int, table: String) throws -> Day {
        let value = int(column)
        guard value > Int(Int32.min) && value <= Int(Int32.max) else {
            throw outOfRange("day", value, column, table, "\(Int(Int32.min) + 1)...\(Int32.max)")
        }
        return Day(julian: value)
    }

    /// `day(_:table:)` for a nullable column: nil for NULL.
    package func optionalDay(_ column: Int, table: String) throws -> Day? {
        isNull(column) ? nil : try day(column, table: table)
    }

    /// The column's name as the query spells it; only read on the error path.
    private func columnName(_ column: Int) -> String {
        sqlite3_column_name(handle, Int32(column)).map { String(cString: $0) } ?? "column \(column)"
    }

    private func outOfRange(_ what: String, _ value: Int, _ column: Int, _ table: String, _ range: String) -> OutflowError {
        OutflowError(.internalError, "\(table).\(columnName(column)) holds \(what) \(value), outside \(range): the database holds a value this build cannot represent")
    }
}
