// The operator's nights, at the job level: a refusal stays visible (a WARN line per run,
// a box at the top of the report and the audit) until a corrected file resolves it; an idle
// night publishes nothing unless forced, but a killed load, an erasure, a new cut-off or a
// changed pipeline file publish again; a refused file can be retried, and the audit says who
// retried it when; `status` says what needs attention.

import Foundation
import Testing
import OutflowCore
import OutflowStorage
import OutflowIngest
import OutflowPipeline
import OutflowTestSupport

struct OperatorTests {
    /// A decisions snapshot of 2025-04-30 far smaller than the 12 rows of the small inbox.
    static func truncated(_ ws: Workspace) throws {
        try ws.deliver("beschikkingen_2025-04-30.csv", Workspace.decisionHeader + "\n" + P(1) + ",D1,2024-01-01,2024-01-01,,45,,,0344,,1a2b3c4d\n")
    }

    /// The small inbox's 12 decisions and one more, dated 2025-04-30: the corrected file.
    static func corrected(_ ws: Workspace) throws {
        var rows = [Workspace.decisionHeader]
        for i in 1...13 { rows.append("\(i <= 6 ? P(i) : P(1040 + i)),D\(i),2024-0\(i % 9 + 1)-01,2024-0\(i % 9 + 1)-10,,45,,,0344,,1a2b3c4d") }
        try ws.deliver("beschikkingen_2025-04-30_correctie.csv", rows.joined(separator: "\n") + "\n")
    }

    static func runFolders(_ ws: Workspace) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: ws.output).filter { !$0.hasPrefix(".") && $0 != "latest" }.sorted()
    }

    @Test func anUnresolvedRefusalIsNamedEveryRunAndAtTheTopOfBothPages() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        #expect(try ws.job().warnings.isEmpty)
        try Self.truncated(ws)
        #expect(throws: OutflowError.self) { try ws.job() }
        for _ in 0..<2 {
            let night = try ws.job(force: true)
            #expect(night.warnings.count == 1)
            let warning = try #require(night.warnings.first)
            #expect(warning.contains(" WARN ingest unresolved refusal since "))
            #expect(warning.contains("beschikkingen_2025-04-30.csv: 1 rows, fewer than minSnapshotShare") && warning.contains("[truncated_snapshot]"))
        }
        let report = try ws.read("report.html")
        let box = try #require(report.range(of: "refused delivery is unresolved"))
        #expect(box.lowerBound < report.range(of: "<h1>")!.lowerBound)
        #expect(report.contains("<b>beschikkingen_2025-04-30.csv</b> (decisions, truncated_snapshot, refused "))
        let audit = try ws.read("restricted/audit.html")
        #expect(audit.range(of: "refused delivery is unresolved")!.lowerBound < audit.range(of: "<h1>")!.lowerBound)
        let json = try JSONSerialization.jsonObject(with: Data(try ws.read("restricted/audit.json").utf8)) as! [String: Any]
        let open = json["unresolvedRefusals"] as! [[String: Any]]
        #expect(open.map { $0["file"] as? String } == ["beschikkingen_2025-04-30.csv"])
        #expect(open.first?["reason"] as? String == "truncated_snapshot")
        // A corrected file for that source and date resolves it.
        try Self.corrected(ws)
        let resolved = try ws.job()
        #expect(resolved.warnings.isEmpty)
        #expect(!(try ws.read("report.html")).contains("unresolved"))
        #expect(try ws.open().scalarInt("SELECT count(*) FROM ingest_file WHERE status = 'rejected'") == 1)
    }

    @Test func aRefusedSnapshotIsResolvedByALaterSnapshot() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        _ = try ws.job()
        try ws.deliver("beschikkingen_2025-02-28.csv", Workspace.decisionHeader + "\n" + P(1) + ",D1,2024-01-01,2024-01-01,,45,,,0344,,1a2b3c4d\n")
        let error = try #require(throws: OutflowError.self) { try ws.job() }
        #expect(error.message.contains("[snapshot_out_of_order]"))
        // Out of order: the newer snapshot in force already holds what it would bring.
        #expect(try FileRegistry(db: ws.open()).unresolvedRefusals().isEmpty)
        try ws.deliver("ervaringwijzer_zonder_datum.csv", "pseudo_id,role,wave,completed_on,at_ease,key_id\n")
        #expect(throws: OutflowError.self) { try ws.job() }
        #expect(try FileRegistry(db: ws.open()).unresolvedRefusals().map(\.reason) == ["no_rows"])
    }

    @Test func anIdleNightPublishesNothingUnlessForced() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        // A later decisions snapshot, so that another cut-off after every source's first snapshot exists.
        let decisions = try String(contentsOfFile: ws.inbox + "/beschikkingen_2025-03-31.csv", encoding: .utf8)
        try ws.deliver("beschikkingen_2025-04-30.csv", decisions + "\(P(1099)),D99,2024-04-01,2024-04-10,,45,,,0344,,1a2b3c4d\n")
        let first = try ws.job()
        let idle = try ws.job()
        #expect(idle.unchanged && idle.folder == nil)
        #expect(idle.summary == "no new deliveries; latest unchanged (run \(first.runId))")
        #expect(try Self.runFolders(ws) == [first.runId])
        #expect(try ws.open().scalarText("SELECT status FROM run_log WHERE run_id = ?", [.text(idle.runId)]) == "unchanged")
        let forced = try ws.job(force: true)
        #expect(!forced.unchanged && forced.folder != nil)
        #expect(try Self.runFolders(ws).count == 2)
        // Another cut-off is another report.
        #expect(!(try ws.job(asOf: Day(parsing: "2025-04-15")!)).unchanged)
        #expect(!(try ws.job()).unchanged)
        #expect(try ws.job().unchanged)
        // So is a changed pipeline file.
        var text = try String(contentsOfFile: ws.pipelinePath, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"minCell\": 10", with: "\"minCell\": 11")
        try text.write(toFile: ws.pipelinePath, atomically: true, encoding: .utf8)
        #expect(!(try ws.job()).unchanged)
        #expect(try ws.job().unchanged)
        // And an erasure, which changes the data without a delivery.
        _ = try CommandEntries.erase(pipeline: ws.pipelinePath, pseudonym: P(3))
        #expect(!(try ws.job()).unchanged)
        #expect(try ws.job().unchanged)
    }

    @Test func aRunKilledAfterLoadingIsFollowedByARunThatPublishes() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        let first = try ws.job()
        // The next deliveries are loaded by a run that dies before publishing (as `ingest` leaves them).
        try ws.deliverSmallInbox(extraction: "2025-04-30", extraDecisions: 1)
        _ = try ws.job(.ingest)
        let next = try ws.job()
        #expect(!next.unchanged && next.asOf == Day(parsing: "2025-04-30"))
        #expect(next.ingest.files.allSatisfy { !$0.isNew })
        #expect(try Self.runFolders(ws) == [first.runId, next.runId])
        #expect(try ws.job().unchanged)
    }

    @Test func aDuplicateIsListedInTheManifest() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        _ = try ws.job()
        let bytes = try String(contentsOfFile: ws.inbox + "/beschikkingen_2025-03-31.csv", encoding: .utf8)
        try ws.deliver("beschikkingen_2025-03-31 (2).csv", bytes)
        let run = try ws.job()
        #expect(!run.unchanged)
        let manifest = try JSONSerialization.jsonObject(with: Data(try ws.read("manifest.json").utf8)) as! [String: Any]
        let inputs = manifest["inputs"] as! [[String: Any]]
        let copy = try #require(inputs.first { $0["file"] as? String == "beschikkingen_2025-03-31 (2).csv" })
        #expect(copy["status"] as? String == "duplicate_of" && copy["duplicateOf"] as? String == "beschikkingen_2025-03-31.csv")
        #expect(try ws.job().unchanged)
    }

    @Test func aRetriedFileLoadsOnceItPassesAndTheAuditSaysWhoRetriedIt() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        _ = try ws.job()
        try Self.truncated(ws)
        #expect(throws: OutflowError.self) { try ws.job() }
        let config = try ws.config()
        // Nothing changed: refused again, with the same reason; the refusal stays.
        let again = try #require(throws: OutflowError.self) {
            try Retry(config: config, user: "steward").run(file: "beschikkingen_2025-04-30.csv", accepting: [])
        }
        #expect(again.status == .dataError && again.message.hasPrefix("retry: refused again: beschikkingen_2025-04-30.csv: ") && again.message.hasSuffix("[truncated_snapshot]"))
        // The pipeline's threshold lowered: it loads now, replacing its refusal.
        var text = try String(contentsOfFile: ws.pipelinePath, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"name\": \"test\",", with: "\"name\": \"test\", \"minSnapshotShare\": 0.05,")
        try text.write(toFile: ws.pipelinePath, atomically: true, encoding: .utf8)
        let summary = try Retry(config: try ws.config(), user: "steward").run(file: ws.inbox + "/beschikkingen_2025-04-30.csv", accepting: [])
        #expect(summary == "retry: beschikkingen_2025-04-30.csv loaded (decisions): 1 rows read, 1 accepted, 0 quarantined; it was refused as truncated_snapshot; the next run publishes it")
        let db = try ws.open()
        #expect(try db.query("SELECT status FROM ingest_file WHERE file_name = 'beschikkingen_2025-04-30.csv'") { $0.string(0) } == ["loaded"])
        let run = try ws.job()
        #expect(run.warnings.isEmpty && run.asOf == Day(parsing: "2025-04-30"))
        let json = try JSONSerialization.jsonObject(with: Data(try ws.read("restricted/audit.json").utf8)) as! [String: Any]
        let retries = json["retries"] as! [[String: Any]]
        #expect(retries.map { "\($0["user"]!) \($0["file"]!) \($0["outcome"]!)" }
                == ["steward beschikkingen_2025-04-30.csv rejected", "steward beschikkingen_2025-04-30.csv loaded"])
        #expect(retries.allSatisfy { ($0["retriedAt"] as? String)?.hasSuffix("Z") == true && $0["previousReason"] as? String == "truncated_snapshot" })
        #expect(try ws.read("restricted/audit.html").contains("steward"))
        // Only a refused file can be retried.
        let loaded = try #require(throws: OutflowError.self) {
            try Retry(config: try ws.config(), user: "steward").run(file: "beschikkingen_2025-04-30.csv", accepting: [])
        }
        #expect(loaded.status == .usage && loaded.message.contains("not refused"))
    }

    @Test func aRetryCanAcceptAJudgementTheSupplierConfirmed() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        _ = try ws.job()
        try Self.truncated(ws)
        #expect(throws: OutflowError.self) { try ws.job() }
        _ = try Retry(config: try ws.config(), user: "steward").run(file: "beschikkingen_2025-04-30.csv", accepting: [.truncatedSnapshot])
        let db = try ws.open()
        #expect(try db.scalarInt("SELECT count(*) FROM stg_decision WHERE valid_to IS NULL") == 1)
        #expect(try db.scalarText("SELECT accepted_reason FROM retry_log") == "truncated_snapshot")
        #expect(try FileRegistry(db: db).unresolvedRefusals().isEmpty)
    }

    @Test func statusSaysWhatNeedsAttention() throws {
        let ws = try Workspace(extra: ", \"keepRuns\": 5")
        var fresh = try CommandEntries.status(pipeline: ws.pipelinePath)
        #expect(fresh.needsAttention && fresh.attention == ["no database yet"])
        try ws.deliverSmallInbox()
        let run = try ws.job()
        let ok = try CommandEntries.status(pipeline: ws.pipelinePath)
        #expect(!ok.needsAttention, "\(ok.text)")
        #expect(ok.lines.contains("lock: free"))
        #expect(ok.lines.contains { $0.hasPrefix("last run: \(run.runId) (run) published, exit 0, started ") && $0.hasSuffix(", as of 2025-03-31") })
        #expect(ok.lines.contains("unresolved refusals: none"))
        #expect(ok.lines.contains { $0.hasPrefix("  decisions: 2025-03-31, ") && $0.hasSuffix(" days old (no maxAgeDays)") })
        #expect(ok.lines.contains { $0.hasPrefix("database: \(ws.database), ") })
        #expect(ok.lines.last == "status: ok")
        // A refused delivery: the failed run and the refusal need attention.
        try Self.truncated(ws)
        #expect(throws: OutflowError.self) { try ws.job() }
        let refused = try CommandEntries.status(pipeline: ws.pipelinePath)
        #expect(refused.attention == ["last run failed with exit 65", "1 unresolved refusal"])
        #expect(refused.lines.contains { $0.hasPrefix("  beschikkingen_2025-04-30.csv (decisions, refused ") })
        // A run in progress holds the lock; its pid is shown.
        do {
            let lock = try RunLock(path: ws.database + ".lock")
            fresh = try CommandEntries.status(pipeline: ws.pipelinePath)
            #expect(fresh.lines.contains("lock: held by pid \(getpid()) (a run is in progress)"))
            withExtendedLifetime(lock) {}
        }
    }

    @Test func statusFlagsAStaleSource() throws {
        let ws = try Workspace()
        var text = try String(contentsOfFile: ws.pipelinePath, encoding: .utf8)
        try ws.deliverSmallInbox()
        _ = try ws.job()
        text = text.replacingOccurrences(of: "\"files\": \"beschikkingen_*.csv\", \"mode\": \"snapshot\"", with: "\"files\": \"beschikkingen_*.csv\", \"mode\": \"snapshot\", \"maxAgeDays\": 3")
        try text.write(toFile: ws.pipelinePath, atomically: true, encoding: .utf8)
        let status = try CommandEntries.status(pipeline: ws.pipelinePath)
        #expect(status.needsAttention)
        #expect(status.attention.count == 1 && status.attention[0].hasPrefix("decisions is ") && status.attention[0].hasSuffix("days old, more than maxAgeDays 3"))
        #expect(status.lines.contains { $0.hasPrefix("  decisions: 2025-03-31, ") && $0.hasSuffix("(maxAgeDays 3): STALE") })
    }

    @Test func oldLogFilesArePruned() throws {
        let folder = NSTemporaryDirectory() + "outflow-logs-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (name, days) in [("outflow-old.log", 10.5), ("outflow-new.log", 9.5), ("other.log", 100)] {
            FileManager.default.createFile(atPath: folder + "/" + name, contents: Data())
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-days * 86_400)], ofItemAtPath: folder + "/" + name)
        }
        #expect(LogRetention.prune(folder: folder, days: 10) == 1)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder)) == ["outflow-new.log", "other.log"])
    }
}
