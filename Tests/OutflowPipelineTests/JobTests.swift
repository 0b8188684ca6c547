// The nightly job as an operator relies on it: one run per database, a refused delivery
// or stale source publishes nothing and leaves `latest` alone, unwritable outputs give
// 73/74, reruns are byte-identical, and old run folders are pruned.

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

struct JobTests {
    static let analystFiles = ["attrition.csv", "outflow.csv", "outflow_curve.csv", "rates.csv", "before_after.csv",
                               "questionnaire.csv", "response.csv", "persistence.csv", "outflow_by_answer.csv"]

    @Test func heldLockGivesExitStatus75AtOnce() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        try FileManager.default.createDirectory(atPath: ws.root + "/var", withIntermediateDirectories: true)
        do {
            let lock = try RunLock(path: ws.database + ".lock")
            let error = try #require(throws: OutflowError.self) { try ws.job() }
            #expect(error.status == .locked)
            #expect(error.message.contains("another outflow run holds the lock"))
            withExtendedLifetime(lock) {}
        }
        #expect(throws: Never.self) { try ws.job() }
    }

    @Test func publishesEveryOutputAndRerunsAreByteIdentical() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        let first = try ws.job()
        let firstFiles = try Self.analystFiles.map { try ws.read($0) }
        let second = try ws.job()
        #expect(first.folder != second.folder)
        #expect(try Self.analystFiles.map { try ws.read($0) } == firstFiles)
        let names = try FileManager.default.contentsOfDirectory(atPath: second.folder!)
        #expect(Set(names) == Set(Self.analystFiles + ["report.html", "report.xlsx", "manifest.json", "restricted"]))
        #expect(FileManager.default.contents(atPath: first.folder! + "/report.xlsx") == FileManager.default.contents(atPath: second.folder! + "/report.xlsx"))
        let restrictedNames = try FileManager.default.contentsOfDirectory(atPath: second.folder! + "/restricted")
        #expect(Set(restrictedNames).isSuperset(of: ["audit.html", "audit.json", "exact", "quarantine.csv"]))
        let exactNames = try FileManager.default.contentsOfDirectory(atPath: second.folder! + "/restricted/exact")
        #expect(Set(exactNames) == Set(Self.analystFiles))
        let restricted = try FileManager.default.attributesOfItem(atPath: second.folder! + "/restricted")[.posixPermissions] as? Int
        #expect(restricted == 0o700)
        let database = try FileManager.default.attributesOfItem(atPath: ws.database)[.posixPermissions] as? Int
        #expect(database == 0o600)
    }

    @Test func refusedDeliveryPublishesNothingAndLeavesLatest() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        let good = try ws.job()
        try ws.deliver("beschikkingen_2025-04-30.csv", Workspace.decisionHeader + "\n" + P(1) + ",D1,2024-01-01,2024-01-01,,45,,,0344,,1a2b3c4d\n")
        let error = try #require(throws: OutflowError.self) { try ws.job() }
        #expect(error.status == .dataError)
        #expect(error.message.contains("beschikkingen_2025-04-30.csv") && error.message.contains("truncated_snapshot"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: ws.output + "/latest") == (good.folder! as NSString).lastPathComponent)
        let folders = try FileManager.default.contentsOfDirectory(atPath: ws.output).filter { !$0.hasPrefix("latest") }
        #expect(folders.count == 1)
        // The next night skips the refused bytes and publishes, listing the file as rejected.
        let next = try ws.job()
        let manifest = try String(contentsOfFile: next.folder! + "/manifest.json", encoding: .utf8)
        #expect(manifest.contains("\"status\": \"rejected\""))
    }

    @Test func staleSourceStopsTheRun() throws {
        let ws = try Workspace(extra: "")
        var text = try String(contentsOfFile: ws.pipelinePath, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"files\": \"beschikkingen_*.csv\", \"mode\": \"snapshot\"", with: "\"files\": \"beschikkingen_*.csv\", \"mode\": \"snapshot\", \"maxAgeDays\": 3")
        try text.write(toFile: ws.pipelinePath, atomically: true, encoding: .utf8)
        try ws.deliverSmallInbox()
        var options = JobOptions(kind: .run)
        options.today = Day(parsing: "2025-04-10")!
        let error = try #require(throws: OutflowError.self) { try Job(config: try ws.config(), options: options).run() }
        #expect(error.status == .dataError && error.message.contains("source decisions") && error.message.contains("maxAgeDays 3"))
        options.today = Day(parsing: "2025-04-02")!
        #expect(throws: Never.self) { try Job(config: try ws.config(), options: options).run() }
    }

    @Test func outputThatCannotBeCreatedGives73() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        _ = FileManager.default.createFile(atPath: ws.output, contents: Data("not a folder".utf8))
        let error = try #require(throws: OutflowError.self) { try ws.job() }
        #expect(error.status == .cannotCreate && error.message.contains("not a folder"))
    }

    @Test func fullDiskGives74() throws {
        let error = try #require(throws: OutflowError.self) { try RunFolder.writeFile("/dev/full", Array(repeating: 65, count: 1 << 16), mode: 0o644) }
        #expect(error.status == .ioError && error.message.contains("No space left on device"))
    }

    @Test func keepsOnlyTheNewestRuns() throws {
        let ws = try Workspace(extra: ", \"keepRuns\": 2")
        try ws.deliverSmallInbox()
        _ = try ws.job()
        for _ in 0..<3 { _ = try ws.job(.report) }
        let folders = try FileManager.default.contentsOfDirectory(atPath: ws.output).filter { !$0.hasPrefix("latest") && !$0.hasPrefix(".") }
        #expect(folders.count == 2)
    }

    @Test func pastCutOffReadsTheSnapshotThenInForce() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox(extraction: "2025-02-28")
        _ = try ws.job(.ingest)
        try ws.deliverSmallInbox(extraction: "2025-03-31", extraDecisions: 1)
        _ = try ws.job(.ingest)
        let past = try ws.job(.report, asOf: Day(parsing: "2025-02-28")!)
        #expect(past.asOf == Day(parsing: "2025-02-28"))
        let later = try #require(throws: OutflowError.self) { try ws.job(.report, asOf: Day(parsing: "2025-04-01")!) }
        #expect(later.message.contains("later than the newest decisions extraction date 2025-03-31"))
    }
}
