// The RFC 4180 writer. Its streaming side owns a POSIX file descriptor and a 1 MiB buffer,
// so a hot loop can write millions of rows through `writeField`, `writeInt`, `writeDay` and
// `endRow` without building a String per value: the generated inboxes and the pseudonymiser's
// output and rejects go through it. The published files (analyst tables, the quarantine
// export, the linkage lists) are small and built in memory with `encode(rows:)` under the
// same rules. A field is quoted only when it holds the delimiter, a quote, CR or LF; quotes
// inside are doubled; every row ends with `\n`; no BOM is written.

import Glibc
import OutflowCore

/// Writes one CSV file row by row through a 1 MiB buffer.
///
/// Owns a file descriptor, so it is a non-Sendable class used by one thread. Call `close()`
/// to see write errors; `deinit` only flushes and closes as a fallback.
public final class CSVWriter {
    /// How `writeDay` spells a date.
    public enum DayStyle: Sendable {
        /// `YYYY-MM-DD`.
        case iso
        /// `DD-MM-YYYY`, the form of Dutch exports.
        case dutch
    }

    /// The file being written, for error messages.
    public let path: String
    /// The byte between fields.
    public let delimiter: UInt8

    private static let capacity = 1 << 20
    private var fd: Int32
    private let sync: Bool
    private let buffer: UnsafeMutablePointer<UInt8>
    private var used = 0
    private var atRowStart = true

    /// Creates (or truncates) the file at `path`; with `sync` the data is `fsync`ed on close.
    public init(path: String, delimiter: UInt8 = UInt8(ascii: ","), mode: mode_t = 0o644,
                sync: Bool = false) throws(CSVWriteError) {
        self.path = path
        self.delimiter = delimiter
        self.sync = sync
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        if fd < 0 { throw CSVWriteError(path: path, operation: .open, code: errno) }
        buffer = .allocate(capacity: CSVWriter.capacity)
    }

    deinit {
        if fd >= 0 {
            try? flush()
            Glibc.close(fd)
        }
        buffer.deallocate()
    }

    // MARK: - Rows

    /// Writes a whole row of text fields.
    public func write(row: [String]) throws(CSVWriteError) {
        for field in row { try writeField(field) }
        try endRow()
    }

    /// Ends the current row with `\n`.
    public func endRow() throws(CSVWriteError) {
        try reserve(1)
        buffer[used] = CSVByte.lf
        used += 1
        atRowStart = true
    }

    // MARK: - Fields

    /// Writes one text field, quoting it when needed.
    public func writeField(_ text: String) throws(CSVWriteError) {
        var text = text
        // withUTF8 only rethrows untyped errors, so the outcome crosses it as a Result.
        try text.withUTF8 { bytes in Result { () throws(CSVWriteError) in try writeField(bytes: bytes) } }.get()
    }

    /// Writes a compile-time constant field without touching the String machinery.
    public func writeField(_ text: StaticString) throws(CSVWriteError) {
        try writeField(bytes: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Writes one field given as UTF-8 bytes, quoting it when needed.
    public func writeField(bytes: UnsafeBufferPointer<UInt8>) throws(CSVWriteError) {
        try beginField()
        guard CSVWriter.needsQuotes(bytes, delimiter: delimiter) else {
            try append(bytes)
            return
        }
        try appendByte(CSVByte.quote)
        var start = 0
        for i in 0..<bytes.count where bytes[i] == CSVByte.quote {
            try append(UnsafeBufferPointer(rebasing: bytes[start...i]))
            start = i
        }
        try append(UnsafeBufferPointer(rebasing: bytes[start...]))
        try appendByte(CSVByte.quote)
    }

    /// Writes an empty field (a missing value).
    public func writeEmptyField() throws(CSVWriteError) {
        try beginField()
    }

    /// Writes a non-negative integer in decimal, zero-padded to `width` digits and led by
    /// `prefix` (so `writeInt(42, width: 6, prefix: "G")` gives `G000042`); nil writes an
    /// empty field.
    public func writeInt(_ value: Int?, width: Int = 1, prefix: StaticString = "") throws(CSVWriteError) {
        guard let value else { return try writeEmptyField() }
        precondition(value >= 0, "writeInt takes non-negative values")
        var digits = 1
        var rest = value / 10
        while rest > 0 { digits += 1; rest /= 10 }
        let count = max(digits, width)
        try beginField()
        try append(UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
        try reserve(count)
        CSVWriter.put(value, width: count, at: buffer + used)
        used += count
    }

    /// Writes a date as `YYYY-MM-DD` or `DD-MM-YYYY` straight from its components; nil
    /// writes an empty field.
    public func writeDay(_ day: Day?, style: DayStyle = .iso) throws(CSVWriteError) {
        guard let day else { return try writeEmptyField() }
        let c = day.components
        try beginField()
        try reserve(10)
        let p = buffer + used
        switch style {
        case .iso:
            CSVWriter.put(c.year, width: 4, at: p)
            p[4] = UInt8(ascii: "-")
            CSVWriter.put(c.month, width: 2, at: p + 5)
            p[7] = UInt8(ascii: "-")
            CSVWriter.put(c.day, width: 2, at: p + 8)
        case .dutch:
            CSVWriter.put(c.day, width: 2, at: p)
            p[2] = UInt8(ascii: "-")
            CSVWriter.put(c.month, width: 2, at: p + 3)
            p[5] = UInt8(ascii: "-")
            CSVWriter.put(c.year, width: 4, at: p + 6)
        }
        used += 10
    }

    // MARK: - Closing

    /// Flushes the buffer, `fsync`s when asked at creation, and closes the file, reporting
    /// the first failure. Further writes are a programming error.
    public func close() throws(CSVWriteError) {
        guard fd >= 0 else { return }
        var failure: CSVWriteError?
        do { try flush() } catch { failure = error }
        if failure == nil, sync, fsync(fd) != 0 {
            failure = CSVWriteError(path: path, operation: .sync, code: errno)
        }
        if Glibc.close(fd) != 0, failure == nil {
            failure = CSVWriteError(path: path, operation: .close, code: errno)
        }
        fd = -1
        if let failure { throw failure }
    }

    // MARK: - In memory

    /// Encodes a small table as CSV text with the same quoting rules: the published tables
    /// and lists, and tests.
    public static func encode(rows: [[String]], delimiter: UInt8 = UInt8(ascii: ",")) -> String {
        var out: [UInt8] = []
        for row in rows {
            for (index, field) in row.enumerated() {
                if index > 0 { out.append(delimiter) }
                var field = field
                field.withUTF8 { bytes in
                    guard needsQuotes(bytes, delimiter: delimiter) else {
                        out.append(contentsOf: bytes)
                        return
                    }
                    out.append(CSVByte.quote)
                    for b in bytes {
                        if b == CSVByte.quote { out.append(CSVByte.quote) }
                        out.append(b)
                    }
                    out.append(CSVByte.quote)
                }
            }
            out.append(CSVByte.lf)
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Buffer

    private static func needsQuotes(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8) -> Bool {
        for b in bytes where b == delimiter || b == CSVByte.quote || b == CSVByte.lf || b == CSVByte.cr {
            return true
        }
        return false
    }

    private static func put(_ value: Int, width: Int, at p: UnsafeMutablePointer<UInt8>) {
        var v = value
        for i in stride(from: width - 1, through: 0, by: -1) {
            p[i] = 0x30 + UInt8(v % 10)
            v /= 10
        }
    }

    private func beginField() throws(CSVWriteError) {
        if atRowStart {
            atRowStart = false
        } else {
            try appendByte(delimiter)
        }
    }

    private func appendByte(_ byte: UInt8) throws(CSVWriteError) {
        try reserve(1)
        buffer[used] = byte
        used += 1
    }

    private func append(_ bytes: UnsafeBufferPointer<UInt8>) throws(CSVWriteError) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        if bytes.count > CSVWriter.capacity {
            try flush()
            try writeAll(base, bytes.count)
            return
        }
        try reserve(bytes.count)
        (buffer + used).update(from: base, count: bytes.count)
        used += bytes.count
    }

    /// Makes room for `count` more bytes (at most the capacity) by flushing when full.
    private func reserve(_ count: Int) throws(CSVWriteError) {
        if used + count > CSVWriter.capacity { try flush() }
    }

    private func flush() throws(CSVWriteError) {
        guard used > 0 else { return }
        try writeAll(buffer, used)
        used = 0
    }

    private func writeAll(_ start: UnsafePointer<UInt8>, _ count: Int) throws(CSVWriteError) {
        precondition(fd >= 0, "CSVWriter used after close()")
        var done = 0
        while done < count {
            let n = Glibc.write(fd, start + done, count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw CSVWriteError(path: path, operation: .write, code: errno)
            }
            done += n
        }
    }
}

// MARK: - Errors

/// A failed system call while writing a CSV file, with the path and the errno.
public struct CSVWriteError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The system call that failed.
    public enum Operation: String, Sendable {
        case open, write, sync = "fsync", close
    }

    /// The file being written.
    public let path: String
    /// What was being done.
    public let operation: Operation
    /// The errno the call left.
    public let code: Int32

    /// The errno's symbolic name where it is a common one (`ENOSPC`), otherwise its number.
    public var symbol: String {
        switch code {
        case EACCES: return "EACCES"
        case EPERM: return "EPERM"
        case ENOENT: return "ENOENT"
        case ENOTDIR: return "ENOTDIR"
        case EISDIR: return "EISDIR"
        case EROFS: return "EROFS"
        case ENOSPC: return "ENOSPC"
        case EDQUOT: return "EDQUOT"
        case EFBIG: return "EFBIG"
        case EIO: return "EIO"
        case EMFILE: return "EMFILE"
        case ENFILE: return "ENFILE"
        default: return "errno \(code)"
        }
    }

    /// One line for the user, e.g. `cannot write out/x.csv: No space left on device (ENOSPC)`.
    public var description: String {
        "cannot \(operation.rawValue) \(path): \(String(cString: strerror(code))) (\(symbol))"
    }
    package init(path: String, operation: Operation, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }
}
