// The library entries behind `validate` and `erase`: validation judges a delivery on a
// private copy of the database (never writing the production file, even while a run holds
// the lock and a write transaction), and erasure waits for no one: it exits 75 while a run
// holds the lock.

import Foundation
import Testing
import OutflowCore
import OutflowStorage
import OutflowPipeline
import OutflowTestSupport

struct CommandEntriesTests {
    static func decisions(_ range: ClosedRange<Int>) -> String {
        ([Workspace.decisionHeader] + range.map { "\(P($0)),D\($0),2024-04-01,2024-04-10,,45,,,0344,,1a2b3c4d" }).joined(separator: "\n") + "\n"
    }

    @Test func validatingADeliveredFileJudgesItAsANewDeliveryAndLoadsNothing() throws {
        let ws = try Workspace()
        let path = try ws.deliver("beschikkingen_2024-06-30.csv", Self.decisions(1...20))
        _ = try ws.ingest()
        let findings = try CommandEntries.validate(pipeline: ws.pipelinePath, file: path, source: .decisions)
        #expect(findings.wouldLoad)
        #expect(findings.text.contains("already delivered as beschikkingen_2024-06-30.csv (loaded)"))
        #expect(findings.text.contains("rows read: 20"))
        #expect(try ws.open().scalarInt("SELECT count(*) FROM ingest_file") == 1)
        #expect(try ws.open().scalarInt("SELECT count(*) FROM stg_decision") == 20)
    }

    @Test func validateBesideARunningJobLeavesTheDatabaseUntouched() throws {
        let ws = try Workspace()
        try ws.deliver("beschikkingen_2024-06-30.csv", Self.decisions(1...20))
        _ = try ws.ingest()
        let next = try ws.deliver("beschikkingen_2024-07-31.csv", Self.decisions(1...25))
        // A nightly job in the middle of a load: the lock and an open write transaction.
        let lock = try RunLock(path: ws.database + ".lock")
        let writer = try ws.open()
        try writer.execute("BEGIN IMMEDIATE")
        try writer.run("INSERT INTO run_log (run_id, command, started_at, status) VALUES ('nightly', 'run', 'now', 'running')")
        // Compared by stat only: opening the file in this process would drop the writer's locks.
        let before = try Self.fileState(ws.database)
        let findings = try CommandEntries.validate(pipeline: ws.pipelinePath, file: next, source: .decisions)
        #expect(findings.wouldLoad)
        #expect(findings.text.contains("rows read: 25"))
        #expect(try Self.fileState(ws.database) == before)
        try writer.execute("COMMIT")
        withExtendedLifetime(lock) {}
        let db = try ws.open()
        #expect(try db.scalarInt("SELECT count(*) FROM ingest_file") == 1)
        #expect(try db.scalarInt("SELECT count(*) FROM run_log WHERE run_id = 'nightly'") == 1)
    }

    @Test func validateListsTheErrorsFoundAfterReadingToo() throws {
        let ws = try Workspace()
        try ws.deliver("beschikkingen_2024-06-30.csv", Self.decisions(1...20))
        _ = try ws.ingest()
        // No date in the name, another key id, and far fewer rows than the snapshot before.
        let path = try ws.deliver("beschikkingen_nieuw.csv", Self.decisions(1...5).replacingOccurrences(of: "1a2b3c4d", with: "99999999"))
        let findings = try CommandEntries.validate(pipeline: ws.pipelinePath, file: path, source: nil)
        #expect(!findings.wouldLoad)
        #expect(findings.fileErrors == [.noExtractionDate, .keyMismatch, .truncatedSnapshot])
        #expect(findings.text.contains("note: the rows were read as if the file were dated 2024-07-01"))
        #expect(findings.text.contains("rows read: 5\n"))
        #expect(findings.text.contains("verdict: refused (3 file errors)"))
        // A run refuses the file with the first error found after reading, as before.
        try FileManager.default.moveItem(atPath: path, toPath: ws.inbox + "/beschikkingen_2024-07-31.csv")
        let refused = try #require(try ws.ingest().files.first { $0.fileName == "beschikkingen_2024-07-31.csv" })
        #expect(refused.rejection?.reason == .keyMismatch)
    }

    static func fileState(_ database: String) throws -> [String] {
        try ["", "-wal"].map { suffix in
            let attributes = try FileManager.default.attributesOfItem(atPath: database + suffix)
            return "\(attributes[.size] ?? 0) \(attributes[.modificationDate] ?? 0)"
        }
    }

    @Test func eraseWhileARunHoldsTheLockExits75() throws {
        let ws = try Workspace()
        try ws.deliver("beschikkingen_2024-06-30.csv", Self.decisions(1...20))
        _ = try ws.ingest()
        do {
            let lock = try RunLock(path: ws.database + ".lock")
            let error = try #require(throws: OutflowError.self) { try CommandEntries.erase(pipeline: ws.pipelinePath, pseudonym: P(3)) }
            #expect(error.status == .locked)
            #expect(CommandEntries.exitStatus(of: error) == .locked)
            withExtendedLifetime(lock) {}
        }
        #expect(try ws.open().scalarInt("SELECT count(*) FROM stg_decision") == 20)
        _ = try CommandEntries.erase(pipeline: ws.pipelinePath, pseudonym: P(3))
        #expect(try ws.open().scalarInt("SELECT count(*) FROM stg_decision") == 19)
    }
}
