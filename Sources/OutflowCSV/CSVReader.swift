// The streaming CSV reader. It reads the file in 1 MiB chunks with read(2) and parses
// bytes against a small state machine, so memory stays flat whatever the file size and
// no String is built unless a caller keeps a value. Fields of the current record are
// exposed as byte slices that stay valid until the next call to `next()`. The buffers are
// raw allocations owned by the reader, so the per-byte loop touches no reference counts.
//
// Rules (docs/delivery-contract.md): header row required; `,` or `;` detected from the header; RFC
// 4180 quoting with `""` and line breaks inside quotes; a leading BOM dropped; `\n` or
// `\r\n`; a last line without line end is a normal row. A quoted field may span at most
// `maxLinesPerField` lines, so one unmatched quote fails at its own row instead of
// swallowing the rest of the file.
//
// A record is held whole in memory, so its size is capped twice: `maxRecordBytes` for its
// values together and `maxFieldsPerRecord` for its field count (each field costs an 8-byte
// end offset even when empty, so a line of millions of delimiters would otherwise grow
// memory without bound). Either cap stops the file with a `CSVError`.

import Foundation
import OutflowCore

/// Reads one CSV file record by record.
///
/// Errors are final: once `readHeader()` or `next()` has thrown a `CSVError`, every later
/// call throws that same error again, and `count` is 0. The reader never resumes in the
/// middle of the record that failed, so a caller that catches and calls again cannot mistake
/// the tail of a broken record for a row, nor a broken file for one that ended cleanly.
///
/// One thread reads a file; the reader's moving state is `@exclusivity(unchecked)`, since no
/// access to one of its properties overlaps another and the runtime's check on every byte
/// position and field showed in the load's profile.
public final class CSVReader {
    /// The delimiter found in the header line.
    @exclusivity(unchecked) public private(set) var delimiter: UInt8 = CSVByte.comma
    /// The file's text encoding (decided by the caller, usually from `FileFingerprint`).
    public let encoding: TextEncoding
    /// The 1-based line on which the record last returned starts (the header is row 1).
    /// Line breaks inside quoted fields count, so the number is the one an editor shows.
    @exclusivity(unchecked) public private(set) var row = 0
    @exclusivity(unchecked) private var line = 0
    /// The file path, for error messages.
    public let path: String

    private let fd: Int32
    /// The read buffer: `chunkCapacity` bytes, `chunkCount` of them filled.
    private let chunk: UnsafeMutablePointer<UInt8>
    private let chunkCapacity: Int
    @exclusivity(unchecked) private var chunkCount = 0
    /// Bytes read from the file so far.
    @exclusivity(unchecked) private var bytesRead = 0
    /// The file's size when it was opened.
    public let fileSize: Int
    @exclusivity(unchecked) private var position = 0
    @exclusivity(unchecked) private var atEOF = false
    private let maxLinesPerField: Int
    private let maxRecordBytes: Int
    private let maxFieldsPerRecord: Int
    /// The error that stopped the reader; rethrown by every later call.
    @exclusivity(unchecked) private var failure: CSVError?

    /// The current record's field bytes, unquoted, end to end.
    @exclusivity(unchecked) private var fieldBytes: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var fieldBytesCount = 0
    /// At most `maxRecordBytes`, so outgrowing it is what `fieldTooLarge` checks.
    @exclusivity(unchecked) private var fieldBytesCapacity: Int
    /// Where each field of the current record ends in `fieldBytes`.
    @exclusivity(unchecked) private var fieldEnds: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private var fieldCount = 0
    /// At most `maxFieldsPerRecord`, so outgrowing it is what `tooManyFields` checks.
    @exclusivity(unchecked) private var fieldEndsCapacity: Int
    /// The record `next()` last returned (no fields before the first and after an error),
    /// as `count` and `field(_:)` read it from other targets: a `let` pointer, so an inlined
    /// read is two loads, with no call, reference count or exclusivity check per field.
    @usableFromInline let current: UnsafeMutablePointer<CSVRecord>

    /// `maxRecordBytes` caps the unquoted values of one record together (delimiters and
    /// quotes not counted); `maxFieldsPerRecord` caps its number of fields. The contracts
    /// have a few dozen columns, so 65,536 fields is far above any real row.
    public init(path: String, encoding: TextEncoding = .utf8, chunkSize: Int = 1 << 20,
                maxLinesPerField: Int = 100, maxRecordBytes: Int = 16 << 20, maxFieldsPerRecord: Int = 1 << 16) throws {
        self.path = path
        self.encoding = encoding
        self.maxLinesPerField = maxLinesPerField
        self.maxRecordBytes = maxRecordBytes
        self.maxFieldsPerRecord = max(1, maxFieldsPerRecord)
        fd = open(path, O_RDONLY)
        if fd < 0 { throw CSVError(path: path, row: 0, kind: .unreadable(String(cString: strerror(errno)))) }
        var attributes = stat()
        fileSize = fstat(fd, &attributes) == 0 ? Int(attributes.st_size) : 0
        chunkCapacity = max(chunkSize, 16)
        chunk = .allocate(capacity: chunkCapacity)
        fieldBytesCapacity = max(1, min(4096, maxRecordBytes))
        fieldBytes = .allocate(capacity: fieldBytesCapacity)
        fieldEndsCapacity = min(64, self.maxFieldsPerRecord)
        fieldEnds = .allocate(capacity: fieldEndsCapacity)
        current = .allocate(capacity: 1)
        current.initialize(to: CSVRecord(bytes: fieldBytes, ends: fieldEnds, count: 0))
    }

    deinit {
        close(fd)
        chunk.deallocate()
        fieldBytes.deallocate()
        fieldEnds.deallocate()
        current.deallocate()
    }

    // MARK: - Header

    /// Reads the header line, detects the delimiter, and returns the column names as
    /// delivered (trimmed of surrounding spaces).
    public func readHeader() throws -> [String] {
        if let failure { throw failure }
        do { try fill() } catch let error as CSVError { throw fail(error) }
        if chunkCount >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF { position = 3 }
        delimiter = detectDelimiter()
        guard try next() else { throw fail(CSVError(path: path, row: 1, kind: .emptyFile)) }
        let names = (0..<count).map { string(at: $0).trimmingCharacters(in: .whitespaces) }
        if names.allSatisfy(\.isEmpty) { throw fail(CSVError(path: path, row: 1, kind: .emptyFile)) }
        return names
    }

    /// Counts `;` and `,` outside quotes in the first line; the more frequent one wins.
    private func detectDelimiter() -> UInt8 {
        var commas = 0, semicolons = 0, inQuotes = false
        var i = position
        while i < chunkCount {
            let c = chunk[i]
            if c == CSVByte.quote { inQuotes.toggle() }
            else if !inQuotes {
                if c == CSVByte.lf || c == CSVByte.cr { break }
                if c == CSVByte.comma { commas += 1 } else if c == CSVByte.semicolon { semicolons += 1 }
            }
            i += 1
        }
        return semicolons > commas ? CSVByte.semicolon : CSVByte.comma
    }

    // MARK: - Records

    /// Bytes of the file parsed so far (up to the end of the current record).
    public var offset: Int { bytesRead - (chunkCount - position) }

    /// The number of fields in the current record.
    @inlinable
    public var count: Int {
        @inline(__always) get { current.pointee.count }
    }

    /// Advances to the next record, skipping blank lines (they still count as rows).
    /// Returns false at the end of the file. Throws a `CSVError` for a record that breaks the
    /// grammar or a cap, and the same error on every call after that (see the type's notes).
    public func next() throws -> Bool {
        if let failure { throw failure }
        defer { current.pointee = CSVRecord(bytes: fieldBytes, ends: fieldEnds, count: fieldCount) }
        do {
            while true {
                guard try parseRecord() else { return false }
                if fieldCount == 1 && fieldEnds[0] == 0 && !lastRecordHadQuotes { continue }
                return true
            }
        } catch let error as CSVError {
            throw fail(error)
        }
    }

    /// Makes `error` final: no field of the broken record stays readable.
    private func fail(_ error: CSVError) -> CSVError {
        failure = error
        fieldCount = 0
        fieldBytesCount = 0
        current.pointee = CSVRecord(bytes: fieldBytes, ends: fieldEnds, count: 0)
        return error
    }

    @exclusivity(unchecked) private var lastRecordHadQuotes = false

    /// Parses one physical record into `fieldBytes`/`fieldEnds`. False at end of file.
    private func parseRecord() throws -> Bool {
        fieldBytesCount = 0
        fieldCount = 0
        lastRecordHadQuotes = false
        if position >= chunkCount { try fill() }
        if position >= chunkCount && atEOF { return false }
        line += 1
        row = line
        let startRow = row
        var inQuotes = false
        var quoteJustClosed = false
        var linesInField = 0
        let delimiter = self.delimiter
        while true {
            if position >= chunkCount {
                try fill()
                if position >= chunkCount {
                    if inQuotes { throw CSVError(path: path, row: startRow, kind: .unterminatedQuote) }
                    try endField()
                    return true
                }
            }
            if inQuotes {
                // Copy the run up to the next quote in one go.
                var i = position
                while i < chunkCount && chunk[i] != CSVByte.quote {
                    if chunk[i] == CSVByte.lf {
                        linesInField += 1
                        line += 1
                        if linesInField >= maxLinesPerField {
                            throw CSVError(path: path, row: startRow, kind: .unterminatedQuote)
                        }
                    }
                    i += 1
                }
                try append(position, i)
                position = i
                if i < chunkCount { position += 1; inQuotes = false; quoteJustClosed = true }
                continue
            }
            let c = chunk[position]
            if quoteJustClosed {
                quoteJustClosed = false
                if c == CSVByte.quote {
                    try append(position, position + 1)
                    position += 1
                    inQuotes = true
                    continue
                }
            }
            switch c {
            case delimiter:
                try endField()
                position += 1
            case CSVByte.lf:
                position += 1
                try endField()
                return true
            case CSVByte.cr:
                position += 1
                if position >= chunkCount { try fill() }
                if position < chunkCount && chunk[position] == CSVByte.lf { position += 1 }
                try endField()
                return true
            case CSVByte.quote:
                position += 1
                inQuotes = true
                lastRecordHadQuotes = true
                linesInField = 0
            default:
                // Copy the unquoted run up to the next special byte.
                var i = position + 1
                while i < chunkCount {
                    let b = chunk[i]
                    if b == delimiter || b == CSVByte.lf || b == CSVByte.cr || b == CSVByte.quote { break }
                    i += 1
                }
                try append(position, i)
                position = i
            }
        }
    }

    /// Appends `chunk[from..<to]` to the current field.
    @inline(__always)
    private func append(_ from: Int, _ to: Int) throws {
        let n = to - from
        guard n > 0 else { return }
        if fieldBytesCount + n > fieldBytesCapacity { try growFieldBytes(to: fieldBytesCount + n) }
        (fieldBytes + fieldBytesCount).update(from: chunk + from, count: n)
        fieldBytesCount += n
    }

    private func growFieldBytes(to needed: Int) throws {
        if needed > maxRecordBytes { throw CSVError(path: path, row: row, kind: .fieldTooLarge(maxRecordBytes)) }
        var capacity = fieldBytesCapacity
        while capacity < needed { capacity = min(capacity * 2, maxRecordBytes) }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: fieldBytes, count: fieldBytesCount)
        fieldBytes.deallocate()
        fieldBytes = grown
        fieldBytesCapacity = capacity
    }

    /// Ends the current field where the field bytes end now.
    @inline(__always)
    private func endField() throws {
        if fieldCount == fieldEndsCapacity { try growFieldEnds() }
        fieldEnds[fieldCount] = fieldBytesCount
        fieldCount += 1
    }

    private func growFieldEnds() throws {
        if fieldCount >= maxFieldsPerRecord {
            throw CSVError(path: path, row: row, kind: .tooManyFields(maxFieldsPerRecord))
        }
        let capacity = min(fieldEndsCapacity * 2, maxFieldsPerRecord)
        let grown = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
        grown.update(from: fieldEnds, count: fieldCount)
        fieldEnds.deallocate()
        fieldEnds = grown
        fieldEndsCapacity = capacity
    }

    /// Moves the unread tail to the front and reads more bytes behind it.
    private func fill() throws {
        if atEOF { return }
        if position > 0 {
            let remaining = chunkCount - position
            if remaining > 0 { chunk.update(from: chunk + position, count: remaining) }
            chunkCount = remaining
            position = 0
        }
        while chunkCount < chunkCapacity {
            let n = read(fd, chunk + chunkCount, chunkCapacity - chunkCount)
            if n < 0 {
                if errno == EINTR { continue }
                throw CSVError(path: path, row: row, kind: .unreadable(String(cString: strerror(errno))))
            }
            if n == 0 { atEOF = true; break }
            chunkCount += n
            bytesRead += n
            break
        }
    }

    // MARK: - Field access

    /// The raw bytes of field `index` of the current record, valid until the next call to
    /// `next()`. Inlined into the loader in another target, which calls it for every field.
    @inlinable @inline(__always)
    public func field(_ index: Int) -> UnsafeBufferPointer<UInt8> { current.pointee.field(index) }

    /// The current record's fields as a value, valid until the next call to `next()`.
    @inlinable
    public var record: CSVRecord { current.pointee }

    /// Calls `body` with the raw bytes of field `index` of the current record.
    @inlinable
    public func withField<T>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try body(field(index))
    }

    /// Field `index` decoded as a String in the file's encoding.
    public func string(at index: Int) -> String {
        withField(index) { encoding.decode($0) }
    }
}

/// The fields of one record as `CSVReader.record` gave them: pointers into the reader's
/// buffers, valid until its next call to `next()`.
public struct CSVRecord {
    @usableFromInline let bytes: UnsafePointer<UInt8>
    @usableFromInline let ends: UnsafePointer<Int>
    /// The number of fields.
    public let count: Int

    @usableFromInline init(bytes: UnsafeMutablePointer<UInt8>, ends: UnsafeMutablePointer<Int>, count: Int) {
        self.bytes = UnsafePointer(bytes)
        self.ends = UnsafePointer(ends)
        self.count = count
    }

    /// The raw bytes of field `index`.
    @inlinable @inline(__always)
    public func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        precondition(index >= 0 && index < count, "no such field in the record")
        let start = index == 0 ? 0 : ends[index - 1]
        return UnsafeBufferPointer(start: bytes + start, count: ends[index] - start)
    }
}
