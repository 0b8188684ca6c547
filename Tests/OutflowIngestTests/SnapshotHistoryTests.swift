// Snapshot sources keep their history: a changed or vanished row version ends at the
// extraction date of the snapshot that changed it, so a past cut-off reads the snapshot
// then in force; a corrected delivery of the same date replaces its predecessor.

import Foundation
import Testing
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowTestSupport

struct SnapshotHistoryTests {
    let header = RowValidationTests.decisionHeader
    func row(_ n: Int, end: String = "") -> String { "\(P(n)),D\(n),2024-04-01,2024-04-10,\(end),45,,,0344,," }

    func versions(_ ws: Workspace) throws -> [String] {
        try ws.open().query("SELECT decision_id, date(valid_from), coalesce(date(valid_to), '-') FROM stg_decision ORDER BY decision_id, valid_from") {
            "\($0.string(0)) \($0.string(1)) \($0.string(2))"
        }
    }

    @Test func keepsRowVersionsBetweenExtractionDates() throws {
        let ws = try Workspace()
        try ws.deliver("beschikkingen_2024-05-31.csv", ([header] + (1...10).map { row($0) }).joined(separator: "\n"))
        _ = try ws.ingest()
        // D2 changes (an end date), D3 disappears, D11 is new.
        try ws.deliver("beschikkingen_2024-06-30.csv", ([header] + [1, 2, 4, 5, 6, 7, 8, 9, 10, 11].map { row($0, end: $0 == 2 ? "2024-06-01" : "") }).joined(separator: "\n"))
        _ = try ws.ingest()
        let v = try versions(ws)
        #expect(v.contains("D1 2024-05-31 -"))
        #expect(v.contains("D2 2024-05-31 2024-06-30"))
        #expect(v.contains("D2 2024-06-30 -"))
        #expect(v.contains("D3 2024-05-31 2024-06-30"))
        #expect(v.contains("D11 2024-06-30 -"))
        #expect(v.count == 12)
    }

    @Test func correctedDeliveryOfTheSameDateReplacesIt() throws {
        let ws = try Workspace()
        try ws.deliver("beschikkingen_2024-05-31.csv", ([header] + (1...10).map { row($0) }).joined(separator: "\n"))
        try ws.deliver("beschikkingen_2024-06-30.csv", ([header] + (1...10).map { row($0, end: $0 == 1 ? "2024-06-01" : "") }).joined(separator: "\n"))
        _ = try ws.ingest()
        try ws.remove("beschikkingen_2024-06-30.csv")
        try ws.deliver("beschikkingen_2024-06-30_v2.csv", ([header] + (1...10).map { row($0) }).joined(separator: "\n") + "\n")
        let report = try ws.ingest()
        #expect(report.files.last?.status == .loaded)
        #expect(try versions(ws) == (1...10).map { "D\($0) 2024-05-31 -" }.sorted())
        #expect(try ws.open().scalarInt("SELECT count(*) FROM ingest_file WHERE status = 'superseded'") == 1)
    }
}
