// An erasure request leaves no trace of the person in the database files (tables, indexes,
// free pages, WAL) or in any run folder the pipeline wrote (`--out` folders too, found through
// the run log), lists the deliveries that still hold the person, refuses a pseudonym found
// nowhere unless it is marked not yet delivered, and keeps the person out of later deliveries.
// A dry run changes nothing.

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

    /// Every file under `folder`, with its bytes.
    static func snapshot(_ folder: String) -> [String: Data] {
        var files: [String: Data] = [:]
        for case let name as String in FileManager.default.enumerator(atPath: folder)?.allObjects ?? [] {
            if let data = FileManager.default.contents(atPath: folder + "/" + name) { files[name] = data }
        }
        return files
    }

    @Test func scrubsEveryRunFolderTheRunLogRecordedAndListsTheInboxFilesHoldingThePerson() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        // Person 41 (a caregiver) answers wave 1 twice: the quarantine of every run names them.
        try ws.deliver("ervaringwijzer_2025-04-01.csv", "pseudo_id,group_id,role,wave,completed_on,at_ease,key_id\n\(P(41)),G1,opvoeder,1,2024-03-05,4,1a2b3c4d\n\(P(5)),G1,jongere,2,2024-09-05,4,1a2b3c4d\n\(P(6)),G2,jongere,2,2024-09-05,4,1a2b3c4d\n\(P(7)),G3,jongere,2,2024-09-05,4,1a2b3c4d\n\(P(8)),G0,jongere,2,2024-09-05,4,1a2b3c4d\n\(P(9)),G1,jongere,2,2024-09-05,4,1a2b3c4d\n")
        _ = try ws.job()
        let elsewhere = ws.root + "/elsewhere"
        _ = try Job(config: try ws.config(), options: JobOptions(kind: .run, output: elsewhere)).run()
        // A run that died while writing left its temporary folder; a file of someone else's sits beside the runs.
        let stale = elsewhere + "/.tmp-20250101T020000Z-99999/restricted"
        try FileManager.default.createDirectory(atPath: stale, withIntermediateDirectories: true)
        try "file,row,field,reason,raw_value\nx.csv,2,at_ease,out_of_range,\(P(41).uppercased())\nx.csv,3,at_ease,out_of_range,9\n".write(toFile: stale + "/quarantine.csv", atomically: true, encoding: .utf8)
        try "notes about \(P(41))\n".write(toFile: elsewhere + "/notes.txt", atomically: true, encoding: .utf8)

        let db = try ws.open()
        // (Both runs may share a run id, as they started in the same second: the log keeps the later.)
        #expect(try db.query("SELECT DISTINCT output_folder FROM run_log") { $0.text(0) }.contains(elsewhere))
        let target = P(41)
        let runFiles = [ws.output, elsewhere].flatMap { Erasure.runFolderFiles(in: $0) }
        #expect(runFiles.contains { $0.hasPrefix(elsewhere + "/2") } && runFiles.contains { $0.hasPrefix(ws.output + "/2") })
        #expect(runFiles.filter { PseudonymScan.fileContains($0, target) }.count >= 3)

        let summary = try Erasure(db: db, config: try ws.config()).erase(pseudonym: target)
        #expect(summary.wasKnown && !summary.dryRun)
        #expect(summary.outputFolders == [ws.output, elsewhere])
        #expect(summary.scrubbed.contains(stale + "/quarantine.csv"))
        #expect(summary.scrubbed.contains { $0.hasPrefix(elsewhere + "/2") } && summary.scrubbed.contains { $0.hasPrefix(ws.output + "/2") })
        #expect(summary.inboxFiles == ["ervaringwijzer_2025-03-31.csv", "ervaringwijzer_2025-04-01.csv", "gezinsrelaties_2025-03-31.csv", "registraties_2025-03-31.csv"])
        for path in [ws.output, elsewhere].flatMap({ Erasure.runFolderFiles(in: $0) }) {
            #expect(!PseudonymScan.fileContains(path, target), "\(path)")
        }
        // Only the person's line went; the other line and the file's mode stayed.
        #expect(try String(contentsOfFile: stale + "/quarantine.csv", encoding: .utf8) == "file,row,field,reason,raw_value\nx.csv,3,at_ease,out_of_range,9\n")
        // Not a run folder: left alone. Deliveries are never edited.
        #expect(try String(contentsOfFile: elsewhere + "/notes.txt", encoding: .utf8).contains(target))
        #expect(try String(contentsOfFile: ws.inbox + "/registraties_2025-03-31.csv", encoding: .utf8).contains(target))
    }

    @Test func aPseudonymFoundNowhereIsRefusedUnlessNotYetDelivered() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        _ = try ws.ingest()
        let db = try ws.open()
        let unknown = P(0x777)
        let error = try #require(throws: OutflowError.self) { try Erasure(db: db, config: try ws.config()).erase(pseudonym: unknown) }
        #expect(error.status == .dataError)
        #expect(error.message.contains("pseudonym not found") && error.message.contains("--not-yet-delivered"))
        #expect(try db.scalarInt("SELECT count(*) FROM erasure") == 0)

        let summary = try Erasure(db: db, config: try ws.config()).erase(pseudonym: unknown, notYetDelivered: true)
        #expect(!summary.wasKnown && summary.inboxFiles.isEmpty && summary.listedSince == nil)
        #expect(try db.scalarInt("SELECT count(*) FROM erasure") == 1)
        // Asked again, the person is known: they are on the list.
        let again = try Erasure(db: db, config: try ws.config()).erase(pseudonym: unknown)
        #expect(again.listedSince != nil)
        // The first delivery for the person is dropped.
        try ws.deliver("ervaringwijzer_2025-04-02.csv", "pseudo_id,group_id,role,wave,completed_on,at_ease,key_id\n\(unknown),G3,jongere,3,2025-03-05,4,1a2b3c4d\n\(P(9)),G1,jongere,3,2025-03-05,4,1a2b3c4d\n")
        let later = try #require(try ws.ingest().files.first { $0.fileName == "ervaringwijzer_2025-04-02.csv" })
        #expect(later.accepted == 1 && later.quarantined == 1)
    }

    @Test func aDryRunShowsWhatWouldGoAndChangesNothing() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        _ = try ws.job()
        let target = P(3)
        let before = (Self.snapshot(ws.output), Self.rawBytes(ws))
        let counts = try ws.open().scalarInt("SELECT count(*) FROM stg_registration")
        let plan = try Erasure(db: try ws.open(), config: try ws.config()).erase(pseudonym: target, dryRun: true)
        #expect(plan.dryRun && plan.wasKnown)
        #expect(plan.removed.first { $0.table == "stg_registration" }?.rows == 1)
        #expect(plan.removed.first { $0.table == "person" }?.rows == 1)
        #expect(plan.inboxFiles.count == 3)
        #expect(try ws.open().scalarInt("SELECT count(*) FROM stg_registration") == counts)
        #expect(try ws.open().scalarInt("SELECT count(*) FROM erasure") == 0)
        #expect(Self.snapshot(ws.output) == before.0)
        #expect(Self.rawBytes(ws).contains(target))
    }

    @Test func aVersion4DatabaseGainsTheOutputFolderColumn() throws {
        let path = NSTemporaryDirectory() + "outflow-db-" + UUID().uuidString + "/test.sqlite"
        do {
            let old = try Database(path: path, migrate: false)
            try old.execute("CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            for sql in [Schema.v1, Schema.v2, Schema.v3, Schema.v4] { try old.execute(sql) }
            try old.execute("INSERT INTO schema_migration VALUES (1, 'v1', 'then'), (2, 'v2', 'then'), (3, 'v3', 'then'), (4, 'v4', 'then')")
            try old.execute("INSERT INTO run_log (run_id, command, started_at, status) VALUES ('old', 'run', 'then', 'published')")
            // Opened without migrating (a dry run), the missing column reads as no folders.
            #expect(try RunLogStore(db: old).outputFolders().isEmpty)
        }
        let db = try Database(path: path)
        #expect(try db.scalarInt("SELECT count(*) FROM run_log WHERE output_folder IS NULL") == 1)
        try RunLogStore(db: db).start(runId: "new", command: "run", startedAt: "now", output: "/srv/out")
        #expect(try RunLogStore(db: db).outputFolders() == ["/srv/out"])
    }
}
