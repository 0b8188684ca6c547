// Deliveries that change without saying so, and names that get in the way: a snapshot that
// drops a column its source's previous snapshot had is refused (`column_dropped`); the same
// bytes under a new name are listed as `duplicate_of`, or judged again when their refusal was
// about the name; a name that is not UTF-8 is refused once instead of failing every run; a
// tab-delimited file says which delimiter it found; refusals stay on one line.

import Foundation
import Testing
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowTestSupport

struct DeliveryChangeTests {
    static let header = Workspace.decisionHeader
    static func decisions(_ range: ClosedRange<Int>, header: String = header, row: (Int) -> String = { "\(P($0)),D\($0),2024-04-01,2024-04-10,,45,,,0344,,1a2b3c4d" }) -> String {
        ([header] + range.map(row)).joined(separator: "\n") + "\n"
    }

    @Test func aSnapshotWithoutAColumnOfThePreviousOneIsRefused() throws {
        let ws = try Workspace()
        try ws.deliver("beschikkingen_2024-06-30.csv", Self.decisions(1...20))
        _ = try ws.ingest()
        // The same decisions without end_date (an optional column): it would silently make
        // every decision open-ended.
        let without = "pseudo_id,decision_id,decision_date,start_date,product_category,product_code,provider,municipality,change_reason,key_id"
        try ws.deliver("beschikkingen_2024-07-31.csv", Self.decisions(1...20, header: without) { "\(P($0)),D\($0),2024-04-01,2024-04-10,45,,,0344,,1a2b3c4d" })
        let report = try ws.ingest()
        let refused = try #require(report.rejectedNow.first)
        #expect(refused.rejection?.reason == .columnDropped)
        #expect(refused.error == "beschikkingen_2024-07-31.csv: row 1: column 'end_date' of the previous decisions snapshot (beschikkingen_2024-06-30.csv) is missing; deliver it (empty values are allowed), or, once the supplier confirms the change, run outflow retry --accept column_dropped [column_dropped]")
        // With the column back (empty), the next snapshot loads.
        try ws.deliver("beschikkingen_2024-08-31.csv", Self.decisions(1...21))
        #expect(try ws.ingest().files.last?.status == .loaded)
        #expect(try ws.open().scalarText("SELECT delivered_columns FROM ingest_file WHERE file_name = 'beschikkingen_2024-08-31.csv'")
                == "pseudo_id,decision_id,decision_date,start_date,end_date,product_category,product_code,provider,municipality,change_reason,key_id")
    }

    @Test func theSameBytesUnderANewNameAreADuplicate() throws {
        let ws = try Workspace()
        try ws.deliver("beschikkingen_2024-06-30.csv", Self.decisions(1...20))
        _ = try ws.ingest()
        try ws.deliver("beschikkingen_2024-06-30 (kopie).csv", Self.decisions(1...20))
        let report = try ws.ingest()
        let copy = try #require(report.files.first { $0.fileName == "beschikkingen_2024-06-30 (kopie).csv" })
        #expect(copy.status == .duplicate && copy.duplicateOf == "beschikkingen_2024-06-30.csv" && !copy.isNew)
        #expect(try ws.open().scalarInt("SELECT count(*) FROM ingest_file") == 1)
    }

    @Test func bytesRefusedForTheirNameAreJudgedAgainUnderANewName() throws {
        let ws = try Workspace()
        try ws.deliver("beschikkingen_2024-06-30.csv", Self.decisions(1...20))
        _ = try ws.ingest()
        // A snapshot without a date in its name is refused for the name...
        try ws.deliver("beschikkingen_nieuw.csv", Self.decisions(1...21))
        #expect(try ws.ingest().rejectedNow.map { $0.rejection?.reason } == [.noExtractionDate])
        // ... and another name without one is judged once, refused once, and then skipped.
        try ws.deliver("beschikkingen_nieuw_2.csv", Self.decisions(1...21))
        let again = try ws.ingest()
        #expect(again.rejectedNow.map(\.fileName) == ["beschikkingen_nieuw_2.csv"])
        #expect(again.rejectedNow.first?.duplicateOf == "beschikkingen_nieuw.csv")
        #expect(try ws.ingest().rejectedNow.isEmpty)
        // Renamed with its date, the same bytes load; the old names are duplicates of it.
        try ws.deliver("beschikkingen_2024-07-31.csv", Self.decisions(1...21))
        let renamed = try ws.ingest()
        #expect(renamed.files.first { $0.fileName == "beschikkingen_2024-07-31.csv" }?.status == .loaded)
        #expect(renamed.rejectedNow.isEmpty)
        let after = try ws.ingest()
        #expect(after.files.filter { $0.status == .duplicate }.map(\.fileName).sorted() == ["beschikkingen_nieuw.csv", "beschikkingen_nieuw_2.csv"])
        #expect(after.files.allSatisfy { $0.status != .duplicate || $0.duplicateOf == "beschikkingen_2024-07-31.csv" })
        let db = try ws.open()
        #expect(try db.query("SELECT file_name, status FROM ingest_file ORDER BY file_id") { "\($0.string(0)) \($0.string(1))" }
                == ["beschikkingen_2024-06-30.csv loaded", "beschikkingen_2024-07-31.csv loaded"])
        #expect(try db.scalarInt("SELECT count(*) FROM stg_decision WHERE valid_to IS NULL") == 21)
    }

    @Test func bytesRefusedForTheirContentAreNotJudgedAgainUnderANewName() throws {
        let ws = try Workspace()
        try ws.deliver("beschikkingen_2024-06-30.csv", Self.decisions(1...20))
        _ = try ws.ingest()
        try ws.deliver("beschikkingen_2024-07-31.csv", Self.decisions(1...10))
        #expect(try ws.ingest().rejectedNow.map { $0.rejection?.reason } == [.truncatedSnapshot])
        try ws.deliver("beschikkingen_2024-07-31_v2.csv", Self.decisions(1...10))
        let report = try ws.ingest()
        #expect(report.rejectedNow.isEmpty)
        #expect(report.files.first { $0.fileName == "beschikkingen_2024-07-31_v2.csv" }?.status == .duplicate)
    }

    @Test func aNameThatIsNotUTF8IsRefusedOnceAndLoadsWhenRenamed() throws {
        let ws = try Workspace()
        try ws.deliver("beschikkingen_2024-06-30.csv", Self.decisions(1...20))
        _ = try ws.ingest()
        // "beschikkingen_2024-07-31_\xE9.csv": a Windows-1252 é.
        let raw = Array("beschikkingen_2024-07-31_".utf8) + [0xE9] + Array(".csv".utf8)
        let fd = (Array((ws.inbox + "/").utf8) + raw + [0]).withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
        }
        #expect(fd >= 0)
        let content = Array(Self.decisions(1...21).utf8)
        #expect(write(fd, content, content.count) == content.count)
        close(fd)
        let shown = "beschikkingen_2024-07-31_\u{FFFD}.csv"
        let report = try ws.ingest()
        let refused = try #require(report.rejectedNow.first)
        #expect(refused.fileName == shown && refused.rejection?.reason == .badFileName)
        #expect(refused.error?.hasPrefix("\(shown): the file name is not valid UTF-8") == true)
        #expect(try ws.ingest().rejectedNow.isEmpty)
        // Renamed with a UTF-8 name, the same bytes are judged again and load.
        try ws.deliver("beschikkingen_2024-07-31_e.csv", Self.decisions(1...21))
        let renamed = try ws.ingest()
        #expect(renamed.files.first { $0.fileName == "beschikkingen_2024-07-31_e.csv" }?.status == .loaded)
    }

    @Test(arguments: [("\t", "tabs ('\\t')"), ("|", "pipes ('|')")])
    func aForeignDelimiterIsNamed(delimiter: String, found: String) throws {
        let ws = try Workspace()
        try ws.deliver("beschikkingen_2024-06-30.csv", Self.decisions(1...20).replacingOccurrences(of: ",", with: delimiter))
        let refused = try #require(try ws.ingest().rejectedNow.first)
        #expect(refused.rejection?.reason == .missingColumn)
        #expect(refused.error == "beschikkingen_2024-06-30.csv: row 1: the header is separated by \(found), not by ',' or ';': the accepted delimiters are ',' (comma) and ';' (semicolon); required column 'pseudo_id' is missing [missing_column]")
    }

    @Test func aLineBreakInAColumnNameStaysOffTheMessagesLine() throws {
        let ws = try Workspace()
        try ws.deliver("beschikkingen_2024-06-30.csv", Self.decisions(1...20, header: Self.header + ",\"end\ndate\",\"END\ndate\""))
        let refused = try #require(try ws.ingest().rejectedNow.first)
        #expect(refused.error == "beschikkingen_2024-06-30.csv: row 1: column 'END\\ndate' appears twice in the header [duplicate_column]")
        #expect(try ws.open().scalarText("SELECT error FROM ingest_file")?.contains("\n") == false)
    }
}
