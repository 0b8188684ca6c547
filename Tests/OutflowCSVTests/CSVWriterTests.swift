import Foundation
import Testing
import OutflowCore
import OutflowCSV
import OutflowTestSupport

@Suite struct CSVWriterTests {
    // MARK: - Quoting

    @Test func quotesOnlyFieldsHoldingDelimiterQuoteOrLineBreak() {
        let text = CSVWriter.encode(rows: [["plain", "a,b", "say \"hi\"", "two\nlines", "cr\rhere", "a;b"]])
        #expect(text == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\",a;b\n")
    }

    @Test func semicolonDelimiterQuotesSemicolonsAndLeavesCommas() {
        let text = CSVWriter.encode(rows: [["a,b", "c;d", "e"], ["1", "2", "3"]],
                                    delimiter: UInt8(ascii: ";"))
        #expect(text == "a,b;\"c;d\";e\n1;2;3\n")
    }

    @Test func emptyFieldsKeepTheirDelimiters() {
        #expect(CSVWriter.encode(rows: [["", "", ""], ["x", "", ""], [""]]) == ",,\nx,,\n\n")
    }

    // MARK: - Files

    @Test func fileHoldsExactBytesOfEveryWritePath() throws {
        let path = temporaryPath("exact.csv")
        defer { unlink(path) }
        let writer = try CSVWriter(path: path, delimiter: UInt8(ascii: ";"))
        try writer.write(row: ["id", "naam", "datum"])
        try writer.writeInt(42, width: 6, prefix: "G")
        try writer.writeField("Jansen; \"Piet\"")
        try writer.writeDay(Day(year: 2024, month: 2, day: 9)!, style: .dutch)
        try writer.endRow()
        try writer.writeInt(7)
        try writer.writeEmptyField()
        try writer.writeDay(Day(year: 2025, month: 12, day: 31)!)
        try writer.endRow()
        let constant: StaticString = "regel\neen"
        try writer.writeField(constant)
        try writer.writeInt(344, width: 4)
        try writer.writeEmptyField()
        try writer.endRow()
        try writer.close()

        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == "id;naam;datum\nG000042;\"Jansen; \"\"Piet\"\"\";09-02-2024\n7;;2025-12-31\n\"regel\neen\";0344;\n")
    }

    @Test func fileAndInMemoryEncodingAgree() throws {
        let rows = [["pseudo_id", "toelichting"], ["abc", "Fijn, \"echt\"\nfijn"], ["", ""]]
        let path = temporaryPath("agree.csv")
        defer { unlink(path) }
        let writer = try CSVWriter(path: path)
        for row in rows { try writer.write(row: row) }
        try writer.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == CSVWriter.encode(rows: rows))
    }

    @Test func fieldLargerThanTheBufferIsWrittenWhole() throws {
        let path = temporaryPath("large.csv")
        defer { unlink(path) }
        let big = String(repeating: "x", count: 3 << 20) + "\"" + String(repeating: "y", count: 10)
        let writer = try CSVWriter(path: path)
        try writer.writeField("kop")
        try writer.writeField(big)
        try writer.endRow()
        try writer.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.utf8.count == 3 + 1 + 1 + (3 << 20) + 2 + 10 + 1 + 1)
        #expect(text.hasPrefix("kop,\"xxx"))
        #expect(text.hasSuffix("x\"\"yyyyyyyyyy\"\n"))
    }

    @Test func readerGetsBackWhatWriterWrote() throws {
        let rows = [["a", "b", "c"], ["1,5", "zeg \"ja\"", "twee\r\nregels"], ["", "x", ""]]
        let path = temporaryPath("roundtrip.csv")
        defer { unlink(path) }
        let writer = try CSVWriter(path: path)
        for row in rows { try writer.write(row: row) }
        try writer.close()

        let reader = try CSVReader(path: path)
        var read = [try reader.readHeader()]
        while try reader.next() { read.append((0..<reader.count).map { reader.string(at: $0) }) }
        #expect(read == rows)
    }

    @Test func closingTwiceIsHarmless() throws {
        let path = temporaryPath("twice.csv")
        defer { unlink(path) }
        let writer = try CSVWriter(path: path)
        try writer.write(row: ["a"])
        try writer.close()
        try writer.close()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a\n")
    }

    // MARK: - Errors

    @Test func openFailureNamesPathAndErrno() {
        let path = "/nonexistent-outflow-dir/x.csv"
        #expect(throws: CSVWriteError(path: path, operation: .open, code: ENOENT)) {
            _ = try CSVWriter(path: path)
        }
        let error = CSVWriteError(path: path, operation: .open, code: ENOENT)
        #expect(error.description == "cannot open /nonexistent-outflow-dir/x.csv: No such file or directory (ENOENT)")
    }

    @Test func fullDiskIsReportedAsENOSPC() throws {
        // /dev/full accepts open and fails every write with ENOSPC.
        try #require(access("/dev/full", W_OK) == 0)
        let writer = try CSVWriter(path: "/dev/full")
        try writer.write(row: ["a", "b"])
        #expect(throws: CSVWriteError(path: "/dev/full", operation: .write, code: ENOSPC)) {
            try writer.close()
        }
    }

    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("csvwriter-\(UUID().uuidString)-\(name)").path
    }
}
