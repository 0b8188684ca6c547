// The CSV reader against odd and malformed files: quoting, embedded line breaks, BOM,
// CRLF, `;`, Windows-1252, empty and header-only files, blank lines, ragged rows, a 1 MB
// field, records split across read chunks, a quote that never closes, records over the byte
// and field caps, and the reader staying failed after an error.

import Foundation
import Testing
import OutflowCore
import OutflowCSV
import OutflowTestSupport

struct CSVReaderTests {
    /// Writes bytes to a temp file and reads every record back as strings.
    static func records(_ bytes: [UInt8], encoding: TextEncoding = .utf8, chunkSize: Int = 1 << 20,
                        maxLines: Int = 100) throws -> (header: [String], rows: [[String]], rowNumbers: [Int], delimiter: UInt8) {
        let path = NSTemporaryDirectory() + "csv-\(UUID().uuidString).csv"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try CSVReader(path: path, encoding: encoding, chunkSize: chunkSize, maxLinesPerField: maxLines)
        let header = try reader.readHeader()
        var rows: [[String]] = [], numbers: [Int] = []
        while try reader.next() {
            rows.append((0..<reader.count).map { reader.string(at: $0) })
            numbers.append(reader.row)
        }
        return (header, rows, numbers, reader.delimiter)
    }

    static func records(_ text: String, chunkSize: Int = 1 << 20) throws -> (header: [String], rows: [[String]], rowNumbers: [Int], delimiter: UInt8) {
        try records(Array(text.utf8), chunkSize: chunkSize)
    }

    @Test func readsQuotedFieldsWithDelimitersQuotesAndLineBreaks() throws {
        let r = try Self.records("a,b,c\n1,\"x, \"\"y\"\"\",\"line1\nline2\"\n2,,last")
        #expect(r.header == ["a", "b", "c"])
        #expect(r.rows == [["1", "x, \"y\"", "line1\nline2"], ["2", "", "last"]])
        #expect(r.rowNumbers == [2, 4])
    }

    @Test func detectsSemicolonAndStripsBOMAndCRLF() throws {
        let r = try Self.records([0xEF, 0xBB, 0xBF] + Array("naam;datum\r\nPiet;05-01-2024\r\nKlaas;\"a;b\"\r\n".utf8))
        #expect(r.delimiter == UInt8(ascii: ";"))
        #expect(r.header == ["naam", "datum"])
        #expect(r.rows == [["Piet", "05-01-2024"], ["Klaas", "a;b"]])
    }

    @Test func skipsBlankLinesButCountsThemAsRows() throws {
        let r = try Self.records("a,b\n1,2\n\n\r\n3,4\n\n")
        #expect(r.rows == [["1", "2"], ["3", "4"]])
        #expect(r.rowNumbers == [2, 5])
    }

    @Test func reportsRaggedRowsAsTheyAre() throws {
        let r = try Self.records("a,b,c\n1,2\n1,2,3,4\n")
        #expect(r.rows.map(\.count) == [2, 4])
    }

    @Test func readsHeaderOnlyFileAsNoRows() throws {
        let r = try Self.records("a,b,c\n")
        #expect(r.header == ["a", "b", "c"] && r.rows.isEmpty)
    }

    @Test func refusesEmptyFile() throws {
        #expect(throws: CSVError.self) { try Self.records("") }
        #expect(throws: CSVError.self) { try Self.records("\n\n") }
    }

    @Test func unterminatedQuoteAtEndOfFileNamesItsRow() throws {
        let error = try #require(throws: CSVError.self) { try Self.records("a,b\n1,2\n3,\"open\n4,5\n") }
        #expect(error.kind == .unterminatedQuote && error.row == 3)
    }

    @Test func unmatchedQuoteFailsAtItsRowInsteadOfSwallowingTheFile() throws {
        let body = (1...500).map { "\($0),x" }.joined(separator: "\n")
        let error = try #require(throws: CSVError.self) {
            try Self.records(Array("a,b\n1,\"never closed\n\(body)\n".utf8), maxLines: 100)
        }
        #expect(error.kind == .unterminatedQuote && error.row == 2)
    }

    @Test func decodesWindows1252() throws {
        let r = try Self.records(Array("naam\n".utf8) + [0x43, 0x61, 0x66, 0xE9, 0x20, 0x80, 0x0A], encoding: .windows1252)
        #expect(r.rows == [["Café €"]])
    }

    @Test func readsOneMegabyteField() throws {
        let big = String(repeating: "x", count: 1 << 20)
        let r = try Self.records("a,b\n\"\(big)\",2\n", chunkSize: 4096)
        #expect(r.rows.first?.first?.count == 1 << 20)
        #expect(r.rows.first?.last == "2")
    }

    @Test(arguments: [7, 8, 13, 64])
    func recordsSplitAcrossChunksReadTheSame(chunkSize: Int) throws {
        let text = "id,note\r\n1,\"a \"\"quoted\"\"\r\nvalue\"\r\n2,plain\r\n3,\"\"\r\n"
        let whole = try Self.records(text)
        let split = try Self.records(text, chunkSize: chunkSize)
        #expect(split.rows == whole.rows)
        #expect(split.rows == [["1", "a \"quoted\"\r\nvalue"], ["2", "plain"], ["3", ""]])
    }

    /// A reader on a file that is unlinked at once (the open descriptor keeps it readable).
    static func reader(_ text: String, maxRecordBytes: Int = 16 << 20, maxFieldsPerRecord: Int = 1 << 16) throws -> CSVReader {
        let path = NSTemporaryDirectory() + "csv-\(UUID().uuidString).csv"
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try CSVReader(path: path, maxRecordBytes: maxRecordBytes, maxFieldsPerRecord: maxFieldsPerRecord)
    }

    @Test func recordOverTheByteCapFailsAtItsRowAndEveryLaterCallRethrows() throws {
        // Row 2 holds exactly 8 value bytes, row 3 holds 9. A reader that resumed after the
        // error would return the tail of row 3 ("789") as a record of its own.
        let reader = try Self.reader("a,b\n12345,678\n123456,789\n4,5\n", maxRecordBytes: 8)
        _ = try reader.readHeader()
        #expect(try reader.next() && reader.string(at: 0) == "12345" && reader.string(at: 1) == "678")
        let first = try #require(throws: CSVError.self) { try reader.next() }
        #expect(first.row == 3 && first.kind == .fieldTooLarge(8) && first.reason == "field_too_large")
        #expect(reader.count == 0)
        let second = try #require(throws: CSVError.self) { try reader.next() }
        #expect(second.row == 3 && second.kind == .fieldTooLarge(8))
        #expect(reader.count == 0)
    }

    @Test func unterminatedQuoteIsRethrownInsteadOfEndingTheFile() throws {
        let reader = try Self.reader("a,b\n1,\"open\n2,3\n")
        _ = try reader.readHeader()
        let first = try #require(throws: CSVError.self) { try reader.next() }
        #expect(first.row == 2 && first.kind == .unterminatedQuote)
        let second = try #require(throws: CSVError.self) { try reader.next() }
        #expect(second.row == 2 && second.kind == .unterminatedQuote)
    }

    @Test func recordWithMoreFieldsThanTheCapFailsAtItsRow() throws {
        let reader = try Self.reader("a,b\n1,2,3,4\n1,2,3,4,5\n6,7\n", maxFieldsPerRecord: 4)
        _ = try reader.readHeader()
        #expect(try reader.next() && reader.count == 4 && reader.string(at: 3) == "4")
        let error = try #require(throws: CSVError.self) { try reader.next() }
        #expect(error.row == 3 && error.kind == .tooManyFields(4) && error.reason == "too_many_fields")
        let again = try #require(throws: CSVError.self) { try reader.next() }
        #expect(again.row == 3 && again.kind == .tooManyFields(4))
    }

    @Test func lineOfFourMillionDelimitersStopsTheFileUnderTheDefaultCap() throws {
        let header = "group_id;pseudo_id;role"
        let reader = try Self.reader(header + "\nG1;p;jongere\n" + String(repeating: ";", count: 4_000_000) + "\nG2;q;opvoeder\n")
        #expect(try reader.readHeader() == ["group_id", "pseudo_id", "role"])
        #expect(try reader.next() && reader.string(at: 0) == "G1")
        let error = try #require(throws: CSVError.self) { try reader.next() }
        #expect(error.row == 3 && error.kind == .tooManyFields(65_536))
    }

    @Test func wideRecordsAndTheOffsetReachTheEnd() throws {
        let path = NSTemporaryDirectory() + "csv-\(UUID().uuidString).csv"
        let header = (0..<300).map { "c\($0)" }.joined(separator: ",")
        let row = (0..<300).map { "\"v\($0)\"" }.joined(separator: ",")
        let text = header + "\n" + row + "\n" + row
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try CSVReader(path: path, chunkSize: 100)
        #expect(try reader.readHeader().count == 300)
        #expect(reader.fileSize == text.utf8.count)
        #expect(reader.offset == header.utf8.count + 1)
        var rows = 0
        while try reader.next() {
            rows += 1
            #expect(reader.count == 300 && reader.string(at: 0) == "v0" && reader.string(at: 299) == "v299")
        }
        #expect(rows == 2 && reader.offset == text.utf8.count)
    }

    @Test func lastLineWithoutLineEndIsARow() throws {
        let r = try Self.records("a\n1\n2")
        #expect(r.rows == [["1"], ["2"]])
    }

    @Test func validatesUTF8AcrossChunks() {
        var v = UTF8Validation()
        let bytes = Array("Café ✓".utf8)
        bytes.withUnsafeBytes { raw in
            v.update(UnsafeRawBufferPointer(rebasing: raw[0..<4]))
            v.update(UnsafeRawBufferPointer(rebasing: raw[4...]))
        }
        #expect(v.isCompleteAndValid)
        var bad = UTF8Validation()
        [UInt8]([0x43, 0xE9, 0x20]).withUnsafeBytes { bad.update($0) }
        #expect(!bad.isCompleteAndValid)
    }
}
