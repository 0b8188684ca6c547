// An erasure request leaves no trace of the person in the database files (tables, indexes,
// free pages, WAL) or in restricted outputs, and keeps them out of later deliveries.

import Foundation
import Testing
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowAnalysis
import OutflowPublish
import OutflowPipeline
import OutflowSynthetic
import OutflowTestSupport

struct ErasureTests {
    /// Every byte of the database and its WAL, as text for searching.
    static func rawBytes(_ ws: Workspace) -> String {
        ["", "-wal", "-shm"].compactMap { FileManager.default.contents(atPath: ws.database + $0) }
            .map { String(decoding: $0, as: UTF8.self) }.joined()
    }

    @Test func erasedPersonLeavesNoTraceAndIsDroppedFromLaterDeliveries() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        // Person 3 also has a quarantined row naming their pseudonym.
        try ws.deliver("ervaringwijzer_2025-04-01.csv", """
            pseudo_id,group_id,role,wave,completed_on,at_ease,key_id
            \(P(3)),G3,jongere,1,2024-03-05,4,1a2b3c4d
            \(P(4)),G0,jongere,2,2024-09-05,4,1a2b3c4d
            \(P(5)),G1,jongere,2,2024-09-05,4,1a2b3c4d
            \(P(6)),G2,jongere,2,2024-09-05,4,1a2b3c4d
            \(P(7)),G3,jongere,2,2024-09-05,4,1a2b3c4d
            \(P(8)),G0,jongere,2,2024-09-05,4,1a2b3c4d
            """)
        _ = try ws.job()
        let target = P(3)
        #expect(Self.rawBytes(ws).contains(target))
        let quarantine = try String(contentsOfFile: ws.output + "/latest/restricted/quarantine.csv", encoding: .utf8)
        #expect(quarantine.contains(target))

        let db = try ws.open()
        let summary = try Erasure(db: db, output: ws.output).erase(pseudonym: target)
        #expect(summary.wasKnown)
        #expect(summary.removed.first { $0.table == "stg_registration" }?.rows == 1)
        #expect(summary.removed.first { $0.table == "quarantine" }?.rows == 1)
        #expect(summary.scrubbedFiles >= 1)
        let raw = Self.rawBytes(ws)
        #expect(!raw.contains(target), "found at \(raw.range(of: target).map { raw.distance(from: raw.startIndex, to: $0.lowerBound) } ?? -1) in \(ws.database)")
        for table in ["person", "quarantine", "stg_registration", "stg_questionnaire"] {
            let dump = try db.query("SELECT * FROM \(table)") { row in (0..<6).map { row.text($0) ?? "" }.joined(separator: "|") }.joined()
            #expect(!dump.contains(target), "\(table)")
        }
        #expect(try !String(contentsOfFile: ws.output + "/latest/restricted/quarantine.csv", encoding: .utf8).contains(target))

        // A later delivery for the person is dropped and counted as erased.
        try ws.deliver("ervaringwijzer_2025-04-02.csv", """
            pseudo_id,group_id,role,wave,completed_on,at_ease,key_id
            \(target),G3,jongere,3,2025-03-05,4,1a2b3c4d
            \(P(9)),G1,jongere,3,2025-03-05,4,1a2b3c4d
            """)
        let report = try ws.ingest()
        let later = try #require(report.files.first { $0.fileName == "ervaringwijzer_2025-04-02.csv" })
        #expect(later.status == .loaded && later.accepted == 1 && later.quarantined == 1)
        #expect(try ws.open().scalarInt("SELECT count(*) FROM quarantine WHERE reason = 'erased' AND raw_value IS NULL") == 1)
        #expect(!Self.rawBytes(ws).contains(target))
        _ = try ws.job(.audit)
        #expect(try ws.read("restricted/audit.json").contains("\"rowsDroppedAsErased\": 1"))
    }

    @Test func refusesAMalformedPseudonym() throws {
        let ws = try Workspace()
        let error = try #require(throws: OutflowError.self) { try Erasure(db: try ws.open(), output: ws.output).erase(pseudonym: "123") }
        #expect(error.status == .usage)
    }
}
