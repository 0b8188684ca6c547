// kill -9 at random moments (inside a file's load, between files, during the analysis and
// while publishing), each followed by a normal run, must publish exactly what an
// uninterrupted run publishes, with an intact database and no half-written run folder.

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

@Suite(.serialized)
struct CrashSafetyTests {
    /// A generated inbox big enough that a run takes a noticeable time.
    static func makeInbox(_ root: String) throws {
        let result = try Binary.run(["generate", "--out", root + "/inbox", "--persons", "2500", "--seed", "11", "--snapshots", "2", "--bad-rows", "20"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    static func pipeline(_ root: String) throws -> String {
        let ws = root + "/pipeline.json"
        try Workspace.instrument.write(toFile: root + "/instrument.json", atomically: true, encoding: .utf8)
        let sample = try String(contentsOfFile: Binary.packageRoot + "/pipelines/sample.json", encoding: .utf8)
            .replacingOccurrences(of: "../var/outflow.sqlite", with: "var/outflow.sqlite")
            .replacingOccurrences(of: "../sample-data/inbox", with: "inbox")
            .replacingOccurrences(of: "\"../out\"", with: "\"out\"")
            .replacingOccurrences(of: "instruments/ervaringwijzer-v1.json", with: Binary.packageRoot + "/pipelines/instruments/ervaringwijzer-v1.json")
        try sample.write(toFile: ws, atomically: true, encoding: .utf8)
        return ws
    }

    static func analystFiles(_ root: String) throws -> [String: String] {
        var files: [String: String] = [:]
        for name in JobTests.analystFiles { files[name] = try String(contentsOfFile: root + "/out/latest/" + name, encoding: .utf8) }
        return files
    }

    @Test func killedRunsThenANormalRunPublishWhatAnUninterruptedRunPublishes() throws {
        let base = NSTemporaryDirectory() + "outflow-kill-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: base) }
        try FileManager.default.createDirectory(atPath: base + "/reference", withIntermediateDirectories: true)
        try Self.makeInbox(base + "/reference")
        let referencePipeline = try Self.pipeline(base + "/reference")
        let clock = Date()
        let reference = try Binary.run(["run", referencePipeline])
        let duration = Date().timeIntervalSince(clock)
        #expect(reference.status == 0, "\(reference.stderr)")
        let expected = try Self.analystFiles(base + "/reference")

        var generator = SystemRandomNumberGenerator()
        for attempt in 0..<20 {
            let root = base + "/kill\(attempt)"
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: base + "/reference/inbox", toPath: root + "/inbox")
            let pipeline = try Self.pipeline(root)
            // One to three kills before the normal run; later kills land in later stages.
            for _ in 0..<(1 + attempt % 3) {
                let process = try Binary.start(["run", pipeline], quiet: true)
                usleep(UInt32(Double.random(in: 0.02...max(0.05, duration), using: &generator) * 1_000_000))
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            let normal = try Binary.run(["run", pipeline])
            #expect(normal.status == 0, "attempt \(attempt): \(normal.stderr)")
            #expect(try Self.analystFiles(root) == expected, "attempt \(attempt) published different figures")
            let db = try Database(path: root + "/var/outflow.sqlite", migrate: false)
            #expect(try db.scalarText("PRAGMA integrity_check") == "ok")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: root + "/out")
                .filter { !$0.hasPrefix(".") && $0 != "latest" && !FileManager.default.fileExists(atPath: root + "/out/\($0)/manifest.json") }
            #expect(leftovers.isEmpty, "a run folder without manifest: \(leftovers)")
            try? FileManager.default.removeItem(atPath: root)
        }
    }
}
