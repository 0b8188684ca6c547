// report.xlsx: CRC-32 against published check values, a zip whose central directory lists
// the workbook's parts with matching CRCs (and that Python's zipfile accepts), numbers as
// numeric cells, suppressed cells empty, the same tables giving the same bytes.

import Foundation
import Testing
import OutflowCore
import OutflowAnalysis
@testable import OutflowPublish

struct WorkbookTests {
    static let outflow = PublishedTable(
        name: "outflow",
        columns: ["stratum", "stratum_value", "horizon_days", "entries", "cum_incidence", "suppressed", "rate_per_100py", "pct_agree"],
        rows: [[.key("all"), .key("all"), .key("91"), .count(15), .proportion(0.123456), .number(12.345, decimals: 2), .percent(56.25)],
               [.key("role"), .key("jongere <&> \"x\""), .key("182"), .suppressed, .withheld, .empty, .percent(-0.04)],
               [.key("organisation"), .key("0344"), .key("365"), .count(0), .proportion(1), .number(.nan, decimals: 2), .percent(100)]])

    static let attrition = PublishedTable(name: "attrition", columns: ["step", "reason", "entries"],
                                          rows: [[.key("1"), .key("role is one of jongere, opvoeder"), .count(40)]])

    // MARK: - CRC-32

    @Test(arguments: [
        ("", UInt32(0)),
        ("a", 0xE8B7_BE43),
        ("abc", 0x3524_41C2),
        ("123456789", 0xCBF4_3926),
        ("The quick brown fox jumps over the lazy dog", 0x414F_A339),
    ])
    func crc32MatchesPublishedCheckValues(text: String, crc: UInt32) {
        #expect(CRC32.checksum(Array(text.utf8)) == crc)
    }

    // MARK: - Zip

    /// The entries of a zip as its central directory lists them, each checked against its
    /// local header and its CRC.
    static func entries(_ zip: [UInt8]) throws -> [(name: String, data: [UInt8])] {
        func u16(_ at: Int) -> Int { Int(zip[at]) | Int(zip[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        let end = zip.count - 22
        try #require(end >= 0 && u32(end) == 0x0605_4B50, "no end-of-central-directory record at the end")
        let count = u16(end + 10)
        var at = u32(end + 16)
        #expect(at + u32(end + 12) == end)
        var out: [(String, [UInt8])] = []
        for _ in 0..<count {
            try #require(u32(at) == 0x0201_4B50)
            #expect(u16(at + 10) == 0, "stored, not compressed")
            let crc = UInt32(u32(at + 16)), size = u32(at + 20), nameLength = u16(at + 28)
            #expect(size == u32(at + 24))
            let name = String(decoding: zip[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
            let local = u32(at + 42)
            try #require(u32(local) == 0x0403_4B50)
            #expect(UInt32(u32(local + 14)) == crc && u16(local + 26) == nameLength)
            let start = local + 30 + nameLength + u16(local + 28)
            let data = Array(zip[start..<(start + size)])
            #expect(CRC32.checksum(data) == crc, "\(name): CRC")
            out.append((name, data))
            at += 46 + nameLength + u16(at + 30) + u16(at + 32)
        }
        return out
    }

    @Test func zipListsStoredEntriesWithTheirCRCs() throws {
        var zip = ZipArchive()
        try zip.add("a.txt", text: "123456789")
        try zip.add("dir/empty", [])
        let entries = try Self.entries(try zip.bytes())
        #expect(entries.map(\.name) == ["a.txt", "dir/empty"])
        #expect(entries.map(\.data) == [Array("123456789".utf8), []])
    }

    @Test func workbookHoldsTheExpectedParts() throws {
        let bytes = try [Self.attrition, Self.outflow].xlsx()
        let entries = try Self.entries(bytes)
        #expect(entries.map(\.name) == ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                        "xl/styles.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"])
        let parts = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, String(decoding: $0.data, as: UTF8.self)) })
        #expect(parts["xl/workbook.xml"]!.contains("<sheet name=\"attrition\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"outflow\" sheetId=\"2\" r:id=\"rId2\"/>"))
        #expect(parts["xl/_rels/workbook.xml.rels"]!.contains("Target=\"worksheets/sheet2.xml\""))
        #expect(parts["[Content_Types].xml"]!.contains("<Override PartName=\"/xl/worksheets/sheet2.xml\""))
        // Formats: whole numbers `0`, then 1, 2 and 4 decimals as the outflow sheet uses them.
        #expect(parts["xl/styles.xml"]!.contains("<numFmt numFmtId=\"164\" formatCode=\"0.0\"/><numFmt numFmtId=\"165\" formatCode=\"0.00\"/><numFmt numFmtId=\"166\" formatCode=\"0.0000\"/>"))
    }

    @Test func pythonZipfileOpensTheWorkbook() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { return }
        let path = NSTemporaryDirectory() + "outflow-workbook-\(getpid()).xlsx"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(try [Self.attrition, Self.outflow].xlsx()).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", """
            import sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            assert z.testzip() is None
            import xml.dom.minidom
            for n in z.namelist(): xml.dom.minidom.parseString(z.read(n))
            print(",".join(n for n in z.namelist()))
            """, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(output == "[Content_Types].xml,_rels/.rels,xl/workbook.xml,xl/_rels/workbook.xml.rels,xl/styles.xml,xl/worksheets/sheet1.xml,xl/worksheets/sheet2.xml\n")
    }

    // MARK: - Cells

    @Test func numbersAreNumericCellsAndSuppressedCellsEmpty() throws {
        let parts = Dictionary(uniqueKeysWithValues: try Self.entries(try [Self.outflow].xlsx()).map { ($0.name, String(decoding: $0.data, as: UTF8.self)) })
        let sheet = try #require(parts["xl/worksheets/sheet1.xml"])
        // Header: bold inline strings.
        #expect(sheet.contains("<row r=\"1\"><c r=\"A1\" s=\"1\" t=\"inlineStr\"><is><t>stratum</t></is></c>"))
        // A count and a numeric key are plain numbers; proportions, other numbers and
        // percentages are stored as the CSV prints them, with their decimals' format.
        #expect(sheet.contains("<c r=\"C2\" s=\"2\"><v>91</v></c><c r=\"D2\" s=\"2\"><v>15</v></c><c r=\"E2\" s=\"5\"><v>0.1235</v></c>"))
        #expect(sheet.contains("<c r=\"F2\" s=\"2\"><v>0</v></c><c r=\"G2\" s=\"4\"><v>12.35</v></c><c r=\"H2\" s=\"3\"><v>56.3</v></c>"))
        // A suppressed row: the flag is the number 1, suppressed, withheld and empty cells are left out.
        #expect(sheet.contains("<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>role</t></is></c><c r=\"B3\" t=\"inlineStr\"><is><t>jongere &lt;&amp;&gt; &quot;x&quot;</t></is></c><c r=\"C3\" s=\"2\"><v>182</v></c><c r=\"F3\" s=\"2\"><v>1</v></c><c r=\"H3\" s=\"3\"><v>0.0</v></c></row>"))
        // A key with a leading zero stays text; not-a-number is empty.
        #expect(sheet.contains("<c r=\"B4\" t=\"inlineStr\"><is><t>0344</t></is></c>"))
        #expect(sheet.contains("<c r=\"E4\" s=\"5\"><v>1.0000</v></c><c r=\"F4\" s=\"2\"><v>0</v></c><c r=\"H4\" s=\"3\"><v>100.0</v></c></row>"))
        #expect(!sheet.contains("G4"))
    }

    @Test func sameTablesGiveTheSameBytes() throws {
        let first = try [Self.attrition, Self.outflow].xlsx()
        #expect(try [Self.attrition, Self.outflow].xlsx() == first)
        #expect(try [Self.outflow, Self.attrition].xlsx() != first)
    }

    @Test func sheetNamesAreShortUniqueAndLegal() {
        #expect(Workbook.sheetNames(["outflow_by_answer", "a/b[c]:d*e?f\\g", String(repeating: "x", count: 40), String(repeating: "X", count: 35), "", "'q'", "history"])
                == ["outflow_by_answer", "a_b_c__d_e_f_g", String(repeating: "x", count: 31), String(repeating: "X", count: 29) + "~2", "Sheet5", "q", "history_"])
        #expect(Workbook.column(0) == "A" && Workbook.column(25) == "Z" && Workbook.column(26) == "AA" && Workbook.column(16_383) == "XFD")
    }
}
