// File-level rules: a refused file loads nothing (the staging tables are byte-for-byte
// as before), is recorded as rejected with its reason, and is skipped by later runs.

import Foundation
import Testing
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowTestSupport

struct FileValidationTests {
    static let header = RowValidationTests.decisionHeader
    static func decisions(_ range: ClosedRange<Int>, keyId: String = "1a2b3c4d") -> String {
        ([header] + range.map { "\(P($0)),D\($0),2024-04-01,2024-04-10,,45,,,0344,,\(keyId)" }).joined(separator: "\n") + "\n"
    }

    /// Everything but the file registry, as SQL text.
    static func dataDump(_ ws: Workspace) throws -> String {
        let db = try ws.open()
        var text = ""
        for table in ["person", "quarantine", "stg_registration", "stg_decision", "stg_family", "stg_questionnaire", "stg_answer"] {
            text += try db.query("SELECT * FROM \(table) ORDER BY 1, 2") { row in (0..<16).map { row.text($0) ?? "" }.joined(separator: "|") }.joined(separator: "\n")
        }
        return text
    }

    struct Refusal: CustomStringConvertible, Sendable {
        let name: String
        let file: String
        let content: String
        let reason: String
        var description: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(name: "missing required column", file: "beschikkingen_2024-07-31.csv",
                content: "pseudo_id,decision_id,start_date,product_category\n\(P(1)),D1,2024-01-01,45\n", reason: "missing_column"),
        Refusal(name: "empty file", file: "beschikkingen_2024-07-31.csv", content: "", reason: "no_header"),
        Refusal(name: "header only", file: "beschikkingen_2024-07-31.csv", content: header + "\n", reason: "no_rows"),
        Refusal(name: "unterminated quote at end", file: "beschikkingen_2024-07-31.csv",
                content: header + "\n\(P(1)),\"D1,2024-04-01,2024-04-10,,45,,,0344,,\n", reason: "unterminated_quote"),
        Refusal(name: "a line of four million delimiters", file: "beschikkingen_2024-07-31.csv",
                content: decisions(1...21) + String(repeating: ",", count: 4_000_000) + "\n", reason: "too_many_fields"),
        Refusal(name: "raw citizen numbers in a pseudonym column", file: "beschikkingen_2024-07-31.csv",
                content: ([header] + ["111222333", "123456782", "999999990"].enumerated().map { "\($1),D\($0),2024-04-01,2024-04-10,,45,,,0344,," }).joined(separator: "\n"),
                reason: "citizen_number"),
        Refusal(name: "a bsn column", file: "beschikkingen_2024-07-31.csv",
                content: header + ",bsn\n\(P(1)),D1,2024-04-01,2024-04-10,,45,,,0344,,,\n", reason: "citizen_number"),
        Refusal(name: "snapshot without a date in its name", file: "beschikkingen_latest.csv", content: decisions(1...5), reason: "no_extraction_date"),
        Refusal(name: "too many rejected rows", file: "beschikkingen_2024-07-31.csv",
                content: decisions(1...5) + (6...8).map { "\(P($0)),D\($0),2024-13-01,2024-04-10,,45,,,0344,," }.joined(separator: "\n"), reason: "too_many_rejects"),
        Refusal(name: "rows under two keys", file: "beschikkingen_2024-07-31.csv",
                content: decisions(1...5) + "\(P(9)),D9,2024-04-01,2024-04-10,,45,,,0344,,ffffffff\n", reason: "key_mismatch"),
        Refusal(name: "another key than the loaded files", file: "beschikkingen_2024-07-31.csv",
                content: decisions(1...20, keyId: "99999999"), reason: "key_mismatch"),
        Refusal(name: "truncated snapshot", file: "beschikkingen_2024-07-31.csv", content: decisions(1...17), reason: "truncated_snapshot"),
        Refusal(name: "snapshot older than the loaded one", file: "beschikkingen_2024-05-31.csv", content: decisions(1...21), reason: "snapshot_out_of_order"),
    ]

    @Test(arguments: refusals)
    func refusedFileLoadsNothingAndIsRecorded(_ refusal: Refusal) throws {
        let ws = try Workspace()
        try ws.deliver("beschikkingen_2024-06-30.csv", Self.decisions(1...20))
        _ = try ws.ingest()
        let before = try Self.dataDump(ws)
        try ws.deliver(refusal.file, refusal.content)
        let report = try ws.ingest()
        let outcome = try #require(report.files.first { $0.fileName == refusal.file })
        #expect(outcome.status == .rejected)
        #expect(outcome.rejection?.reason.rawValue == refusal.reason)
        #expect(try Self.dataDump(ws) == before)
        let db = try ws.open()
        #expect(try db.scalarText("SELECT error_code FROM ingest_file WHERE file_name = ?", [.text(refusal.file)]) == refusal.reason)
        // A later run skips the refused bytes and keeps saying why.
        let again = try ws.ingest()
        let skipped = try #require(again.files.first { $0.fileName == refusal.file })
        #expect(skipped.status == .rejected && !skipped.isNew)
        #expect(again.rejectedNow.isEmpty)
    }

    @Test func reloadingTheSameBytesLoadsNothing() throws {
        let ws = try Workspace()
        try ws.deliver("beschikkingen_2024-06-30.csv", Self.decisions(1...20))
        #expect(try ws.ingest().files.map(\.status) == [.loaded])
        try ws.deliver("beschikkingen_kopie_2024-06-30.csv", Self.decisions(1...20))
        let report = try ws.ingest()
        #expect(report.files.map(\.status) == [.alreadyLoaded, .duplicate])
        #expect(report.files.last?.duplicateOf == "beschikkingen_2024-06-30.csv")
        #expect(try ws.open().scalarInt("SELECT count(*) FROM stg_decision") == 20)
    }

    @Test func personsOfARefusedFileAreForgottenBeforeTheNextFileLoads() throws {
        let ws = try Workspace()
        // Persons 1-20, refused as a whole (the last row carries another key id); then a
        // good file with persons 11-30 in the same run.
        try ws.deliver("beschikkingen_2024-05-31.csv", Self.decisions(1...19) + "\(P(20)),D20,2024-04-01,2024-04-10,,45,,,0344,,ffffffff\n")
        try ws.deliver("beschikkingen_2024-06-30.csv", Self.decisions(11...30))
        #expect(try ws.ingest().files.map(\.status) == [.rejected, .loaded])
        let db = try ws.open()
        #expect(try db.query("SELECT pseudo_id FROM person ORDER BY person_id") { $0.string(0) } == (11...30).map(P))
        #expect(try db.query("SELECT person_id FROM stg_decision ORDER BY decision_id") { $0.int(0) } == Array(1...20))
    }

    /// Sets a file's modification time to the nanosecond.
    static func setModified(_ path: String, ns: Int) {
        var times = [timespec(tv_sec: ns / 1_000_000_000, tv_nsec: ns % 1_000_000_000)]
        times.append(times[0])
        #expect(utimensat(AT_FDCWD, path, times, 0) == 0)
    }

    @Test func aFileUnchangedSinceItWasHashedIsNotReadAgain() throws {
        let ws = try Workspace()
        let path = try ws.deliver("beschikkingen_2024-06-30.csv", Self.decisions(1...20))
        let settled = (Int(Date().timeIntervalSince1970) - 60) * 1_000_000_000 + 123_456_789
        Self.setModified(path, ns: settled)
        #expect(try ws.ingest().files.map(\.status) == [.loaded])
        let db = try ws.open()
        #expect(try db.query("SELECT file_name, modified_ns FROM inbox_file") { "\($0.string(0)) \($0.int(1))" }
                == ["beschikkingen_2024-06-30.csv \(settled)"])
        // Other bytes of the same size under the same name and time are taken for the file
        // already loaded: the file is not read (the documented trade-off of the shortcut).
        try ws.deliver("beschikkingen_2024-06-30.csv", Self.decisions(1...20).replacingOccurrences(of: ",45,", with: ",54,"))
        Self.setModified(path, ns: settled)
        #expect(try ws.ingest().files.map(\.status) == [.alreadyLoaded])
        // Any other modification time and the file is hashed: the corrected bytes replace it.
        Self.setModified(path, ns: settled + 1)
        #expect(try ws.ingest().files.map(\.status) == [.loaded])
        #expect(try db.scalarInt("SELECT count(*) FROM stg_decision WHERE product_category = 54 AND valid_to IS NULL") == 20)
        #expect(try db.query("SELECT status FROM ingest_file ORDER BY file_id") { $0.string(0) } == ["superseded", "loaded"])
    }

    @Test func aFileModifiedJustNowIsHashedEveryTime() throws {
        let ws = try Workspace()
        try ws.deliver("beschikkingen_2024-06-30.csv", Self.decisions(1...20))
        #expect(try ws.ingest().files.map(\.status) == [.loaded])
        #expect(try ws.open().scalarInt("SELECT count(*) FROM inbox_file") == 0)
        #expect(try ws.ingest().files.map(\.status) == [.alreadyLoaded])
    }

    @Test func refusalMessageNamesFileRowAndReason() throws {
        let ws = try Workspace()
        try ws.deliver("beschikkingen_2024-06-30.csv", Self.header + "\n\(P(1)),\"D1,2024-04-01\n" + Self.decisions(2...20))
        let outcome = try #require(try ws.ingest().files.first)
        #expect(outcome.error == "beschikkingen_2024-06-30.csv: row 2: a quote opened here is never closed [unterminated_quote]")
    }

    @Test func unknownColumnsAreListedNotLoaded() throws {
        let ws = try Workspace()
        try ws.deliver("ervaringwijzer_2024-06-30.csv", """
            pseudo_id,role,wave,completed_on,at_ease,toelichting
            \(P(1)),jongere,1,2024-03-01,4,"Fijn, echt ""top"" groep"
            """)
        _ = try ws.ingest()
        let db = try ws.open()
        #expect(try db.scalarText("SELECT unknown_columns FROM ingest_file") == "toelichting")
        #expect(try db.scalarInt("SELECT count(*) FROM stg_answer") == 1)
    }

    @Test func windows1252FileIsReadAndRecorded() throws {
        let ws = try Workspace()
        var bytes = Array("pseudo_id,group_id,group_type,organisation,role,start_date\n\(P(1)),G1,opvoedgroep,Stichting Caf".utf8)
        bytes += [0xE9] + Array(",opvoeder,2024-01-05\n".utf8)
        try ws.deliver("registraties_2024-06-30.csv", bytes: bytes)
        _ = try ws.ingest()
        let db = try ws.open()
        #expect(try db.scalarText("SELECT encoding FROM ingest_file") == "windows-1252")
        #expect(try db.scalarText("SELECT organisation FROM stg_registration") == "Stichting Café")
    }
}
