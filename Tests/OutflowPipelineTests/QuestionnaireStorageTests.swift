// Answers packed into their response row (schema v3): the packing, the `stg_answer` view
// analysts query, duplicates across deliveries, a later instrument version with one more
// item, and the migration of answers stored one row each (v2).

import Foundation
import Testing
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowAnalysis
import OutflowPipeline
import OutflowSynthetic
import OutflowTestSupport

@Suite struct QuestionnaireStorageTests {
    static let header = Workspace.questionnaireHeader

    @Test func packingPutsEachAnswerAtItsPosition() {
        #expect(QuestionnaireRows.pack([4, 0, 2, 5, 0], positions: [1, 2, 3, 4, 5]) == "4.25")
        #expect(QuestionnaireRows.pack([0, 0, 0], positions: [1, 2, 3]) == "")
        #expect(QuestionnaireRows.pack([1, 3], positions: [3, 1]) == "3.1")
        #expect(QuestionnaireRows.pack([], positions: []) == "")
    }

    @Test func permutingInPlaceMatchesACopy() {
        var random = SeededRandom(seed: 3)
        for n in [0, 1, 2, 7, 100] {
            var order = (0..<n).map { Int32($0) }
            for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, random.int(0...i)) }
            var values = (0..<n).map { "v\($0)" }
            let expected = order.map { values[Int($0)] }
            values.permute(by: order)
            #expect(values == expected)
        }
    }

    @Test func responsesKeepAnswersInlineAndBeyondSixteen() {
        let answers: [UInt8] = (0..<20).map { UInt8($0 % 6) }   // 0 (unanswered) and 1-5, twenty items
        let response = Response(personId: 7, role: .opvoeder, wave: 3, completed: Day(julian: 2_460_000), answers: answers)
        #expect(response.answers == answers)
        #expect(response.answer(0) == nil && response.answer(5) == 5 && response.answer(8) == 2 && response.answer(19) == 1)
        #expect(response.answer(20) == nil && response.answer(-1) == nil)
        #expect(response.personId == 7 && response.wave == 3 && response.role == .opvoeder)
        let short = Response(personId: 1, role: .jongere, wave: 1, completed: Day(julian: 2_460_000), answers: [3])
        #expect(short.answers == [3] && short.answer(1) == nil)
    }

    @Test func viewListsAnsweredItemsWithTheirNumbers() throws {
        let ws = try Workspace()
        try ws.deliver("ervaringwijzer_2024-06-30.csv", Self.header + """

            \(P(1)),G1,jongere,1,2024-03-01,4,mee eens,,2,
            \(P(2)),G1,opvoeder,1,2024-03-02,Helemaal niet mee eens,,5,,3
            \(P(3)),G1,opvoeder,2,2024-09-02,,,,,
            """)
        let report = try ws.ingest()
        #expect(report.files.first?.accepted == 3)
        let db = try ws.open()
        #expect(try db.query("SELECT position, item FROM ref_item ORDER BY position") { "\($0.int(0)) \($0.string(1))" }
                == ["1 at_ease", "2 can_move_on", "3 contact_outside", "4 learned_useful", "5 family_learned"])
        #expect(try db.query("SELECT answers FROM stg_questionnaire ORDER BY response_id") { $0.string(0) } == ["44.2", "1.5.3", ""])
        let rows = try db.query("""
            SELECT p.person_id, a.item, a.answer FROM stg_answer a JOIN stg_questionnaire p USING (response_id) ORDER BY 1, 2
            """) { "\($0.int(0)) \($0.string(1)) \($0.int(2))" }
        #expect(rows == ["1 at_ease 4", "1 can_move_on 4", "1 learned_useful 2", "2 at_ease 1", "2 contact_outside 5", "2 family_learned 3"])
        let responses = try QuestionnaireData.load(db: db, instrument: try #require(try ws.config().instrument), asOf: Day(parsing: "2024-12-31")!)
        #expect(responses.map(\.answers) == [[4, 4, 0, 2, 0], [1, 0, 5, 0, 3], [0, 0, 0, 0, 0]])
    }

    @Test func aKeyDeliveredBeforeIsQuarantinedInTheLaterFile() throws {
        let ws = try Workspace()
        // Ten responses each; the first file repeats person 1's wave-1 key on its last line,
        // the second repeats it again on its first data line.
        let first = (1...9).map { "\(P($0)),G1,jongere,1,2024-03-01,4,,,," } + ["\(P(1)),G1,jongere,1,2024-03-05,2,,,,"]
        try ws.deliver("ervaringwijzer_2024-06-30.csv", ([Self.header] + first).joined(separator: "\n") + "\n")
        _ = try ws.ingest()
        let second = ["\(P(1)),G1,jongere,1,2024-03-09,5,,,,"] + (10...18).map { "\(P($0)),G1,jongere,1,2024-03-01,3,,,," }
        try ws.deliver("ervaringwijzer_2024-09-30.csv", ([Self.header] + second).joined(separator: "\n") + "\n")
        let outcome = try ws.ingest().files.first { $0.fileName == "ervaringwijzer_2024-09-30.csv" }
        #expect(outcome?.accepted == 9 && outcome?.quarantined == 1)
        let db = try ws.open()
        #expect(try db.query("SELECT row_number, column_name, reason FROM quarantine ORDER BY file_id, row_number") {
            "\($0.int(0)) \($0.string(1)) \($0.string(2))" } == ["11 pseudo_id duplicate_key", "2 pseudo_id duplicate_key"])
        #expect(try db.query("SELECT DISTINCT raw_value FROM quarantine") { $0.string(0) } == [P(1)])
        #expect(try db.scalarText("SELECT answers FROM stg_questionnaire WHERE person_id = (SELECT min(person_id) FROM stg_questionnaire)") == "4")
        #expect(try db.scalarInt("SELECT count(*) FROM stg_questionnaire") == 18)
    }

    @Test func duplicatesOfAnEarlierDeliveryAreFoundInsideFullBatches() throws {
        let ws = try Workspace()
        try ws.deliver("ervaringwijzer_2024-06-30.csv", ([Self.header] + (1...50).map { "\(P($0)),G1,jongere,1,2024-03-01,4,,,," })
            .joined(separator: "\n") + "\n")
        _ = try ws.ingest()
        // 70 rows in batches of 32: persons 7, 22 and 41 were delivered before (lines 4, 36 and 71).
        var lines = (201...270).map { "\(P($0)),G1,jongere,1,2024-03-01,3,,,," }
        lines[2] = "\(P(7)),G1,jongere,1,2024-04-01,1,,,,"
        lines[34] = "\(P(22)),G1,jongere,1,2024-04-01,1,,,,"
        lines[69] = "\(P(41)),G1,jongere,1,2024-04-01,1,,,,"
        try ws.deliver("ervaringwijzer_2024-09-30.csv", ([Self.header] + lines).joined(separator: "\n") + "\n")
        let outcome = try ws.ingest().files.first { $0.fileName == "ervaringwijzer_2024-09-30.csv" }
        #expect(outcome?.rowsRead == 70 && outcome?.accepted == 67 && outcome?.quarantined == 3)
        let db = try ws.open()
        #expect(try db.query("SELECT row_number FROM quarantine WHERE reason = 'duplicate_key' ORDER BY row_number") { $0.int(0) } == [4, 36, 71])
        #expect(try db.scalarInt("SELECT count(*) FROM stg_questionnaire") == 117)
        #expect(try db.scalarInt("SELECT count(*) FROM stg_questionnaire WHERE answers = '1'") == 0)
    }

    @Test func aLaterInstrumentItemGetsTheNextPosition() throws {
        let ws = try Workspace()
        try ws.deliver("ervaringwijzer_2024-06-30.csv", Self.header + "\n\(P(1)),G1,jongere,1,2024-03-01,4,3,,,\n")
        _ = try ws.ingest()
        let extended = Workspace.instrument.replacingOccurrences(of: """
            { "code": "at_ease",
            """, with: """
            { "code": "would_recommend", "text": "Aanraden", "roles": ["jongere", "opvoeder"] },
                { "code": "at_ease",
            """)
        try extended.write(toFile: ws.root + "/instrument.json", atomically: true, encoding: .utf8)
        try ws.deliver("ervaringwijzer_2024-09-30.csv", "would_recommend," + Self.header + "\n5,\(P(2)),G1,jongere,1,2024-03-01,1,,,,\n")
        _ = try ws.ingest()
        let db = try ws.open()
        #expect(try db.scalarInt("SELECT position FROM ref_item WHERE item = 'would_recommend'") == 6)
        #expect(try db.query("SELECT answers FROM stg_questionnaire ORDER BY response_id") { $0.string(0) } == ["43", "1....5"])
        let instrument = try #require(try ws.config().instrument)
        #expect(instrument.items.first?.code == "would_recommend")
        let responses = try QuestionnaireData.load(db: db, instrument: instrument, asOf: Day(parsing: "2024-12-31")!)
        #expect(responses.map(\.answers) == [[0, 4, 3, 0, 0, 0], [5, 1, 0, 0, 0, 0]])
    }

    @Test func migrationPacksAnswersStoredOneRowEach() throws {
        let path = NSTemporaryDirectory() + "outflow-migration-" + UUID().uuidString + ".sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        do {
            let old = try Database(path: path, migrate: false)
            try old.execute("CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            try old.execute(Schema.v1)
            try old.execute(Schema.v2)
            try old.execute("INSERT INTO schema_migration VALUES (1, 'v1', 'then'), (2, 'v2', 'then')")
            try old.execute("""
                INSERT INTO ingest_file (file_id, source, file_name, sha256, size_bytes, status, loaded_at) VALUES (1, 'questionnaire', 'f', 'x', 1, 'loaded', 'then');
                INSERT INTO stg_questionnaire (response_id, file_id, person_id, role, wave, completed_day) VALUES (1, 1, 1, 1, 1, 2460000), (2, 1, 2, 2, 1, 2460000), (3, 1, 3, 2, 2, 2460100);
                INSERT INTO stg_answer VALUES (1, 'can_move_on', 4), (1, 'at_ease', 5), (2, 'would_recommend', 2), (2, 'at_ease', 1);
                """)
        }
        let db = try Database(path: path)
        #expect(try db.query("SELECT position, item FROM ref_item ORDER BY position") { "\($0.int(0)) \($0.string(1))" }
                == ["1 at_ease", "2 can_move_on", "3 would_recommend"])
        #expect(try db.query("SELECT answers FROM stg_questionnaire ORDER BY response_id") { $0.string(0) } == ["54", "1.2", ""])
        #expect(try db.query("SELECT response_id, item, answer FROM stg_answer ORDER BY 1, 2") { "\($0.int(0)) \($0.string(1)) \($0.int(2))" }
                == ["1 at_ease 5", "1 can_move_on 4", "2 at_ease 1", "2 would_recommend 2"])
    }
}
