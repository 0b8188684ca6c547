// scripts/nightly as cron runs it: a process started with cron's bare environment
// (PATH=/usr/bin:/bin, no swift), in a start directory of its own. A refused delivery prints
// exactly one line on stderr and keeps outflow's exit status; an unresolved refusal prints
// one WARN line on a night that exits 0; every log line has a timestamp and a level; old
// logs are pruned after logRetentionDays; a relative pipeline path is resolved against the
// start directory; an installed wrapper (scripts/install) finds the outflow beside it.

import Foundation
import Testing
import OutflowCore
import OutflowTestSupport

struct NightlyWrapperTests {
    static var script: String { Binary.packageRoot + "/scripts/nightly" }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a wrapper script as cron would, from `directory`.
    static func nightly(_ arguments: [String], in directory: String, logs: String?,
                        binary: String? = Binary.path, script: String = script) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = arguments
        var environment = ["PATH": "/usr/bin:/bin", "HOME": directory, "LOGNAME": "cron", "SHELL": "/bin/sh"]
        if let logs { environment["OUTFLOW_LOG_DIR"] = logs }
        if let binary { environment["OUTFLOW_BIN"] = binary }
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                             stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func lines(_ text: String) -> [String] { text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty } }

    /// Every line of every log file in `folder`.
    static func logLines(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".log") }.sorted().flatMap {
            lines(try String(contentsOfFile: folder + "/" + $0, encoding: .utf8))
        }
    }

    static func isStamped(_ line: String) -> Bool {
        line.firstMatch(of: try! Regex(#"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z (INFO|WARN|ERROR) \S+ "#)) != nil
    }

    @Test func aRefusedDeliveryPrintsOneLineAndKeepsTheExitStatus() throws {
        let ws = try Workspace()
        let logs = ws.root + "/logs"
        try ws.deliverSmallInbox()
        let first = try Self.nightly([ws.pipelinePath], in: ws.root, logs: logs)
        #expect(first.status == 0 && first.stderr.isEmpty && first.stdout.isEmpty, "\(first.stderr)")

        // A truncated decisions snapshot: refused, exit 65, one line for cron's mail.
        try ws.deliver("beschikkingen_2025-04-30.csv", Workspace.decisionHeader + "\n" + P(1) + ",D1,2024-01-01,2024-01-01,,45,,,0344,,1a2b3c4d\n")
        let refused = try Self.nightly([ws.pipelinePath], in: ws.root, logs: logs)
        #expect(refused.status == 65)
        #expect(Self.lines(refused.stderr).count == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("beschikkingen_2025-04-30.csv") && refused.stderr.contains("[truncated_snapshot]"))
        #expect(refused.stdout.isEmpty)

        // The next nights exit 0 and name the unresolved refusal on one WARN line.
        for night in 0..<2 {
            let next = try Self.nightly([ws.pipelinePath], in: ws.root, logs: logs)
            #expect(next.status == 0, "night \(night): \(next.stderr)")
            let warned = Self.lines(next.stderr)
            #expect(warned.count == 1 && warned[0].contains(" WARN ") && warned[0].contains("beschikkingen_2025-04-30.csv")
                    && warned[0].contains("truncated_snapshot"), "night \(night): \(next.stderr)")
        }
        // Every log line has a timestamp and a level; the idle night says so.
        let log = try Self.logLines(logs)
        for line in log { #expect(Self.isStamped(line), "log line without timestamp and level: \(line)") }
        #expect(log.contains { $0.contains(" ERROR outflow outflow run: refused delivery beschikkingen_2025-04-30.csv") })
        #expect(log.contains { $0.contains(" INFO outflow no new deliveries; latest unchanged (run ") })
        #expect(log.filter { $0.contains(" INFO nightly exit ") }.map { String($0.split(separator: " ").last!) } == ["0", "65", "0", "0"])
    }

    @Test func aUsageErrorIsOneLineToo() throws {
        let ws = try Workspace()
        let result = try Self.nightly([ws.pipelinePath, "--frobnicate"], in: ws.root, logs: ws.root + "/logs")
        #expect(result.status == 64)
        #expect(Self.lines(result.stderr) == ["Error: unknown option '--frobnicate'"])
    }

    @Test func aRelativePipelinePathIsResolvedAgainstTheStartDirectory() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        let logs = ws.root + "/logs"
        let relative = try Self.nightly(["pipeline.json"], in: ws.root, logs: logs)
        #expect(relative.status == 0, "\(relative.stderr)")
        #expect(FileManager.default.fileExists(atPath: ws.output + "/latest/manifest.json"))
        let missing = try Self.nightly(["pipelines/utrecht.json"], in: ws.root, logs: logs)
        #expect(missing.status == 64)
        #expect(Self.lines(missing.stderr) == ["nightly: pipeline file pipelines/utrecht.json: no such file (resolved against the directory the wrapper was started in: \(ws.root)/pipelines/utrecht.json)"])
    }

    @Test func logsOlderThanLogRetentionDaysArePruned() throws {
        let ws = try Workspace(extra: ", \"logRetentionDays\": 30")
        try ws.deliverSmallInbox()
        let logs = ws.root + "/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let day = 86_400.0
        for (name, age) in [("outflow-2020-01-01.log", 31 * day), ("outflow-2020-02-01.log", 29 * day), ("notes.txt", 400 * day)] {
            try "old\n".write(toFile: logs + "/" + name, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: logs + "/" + name)
        }
        let result = try Self.nightly([ws.pipelinePath], in: ws.root, logs: logs)
        #expect(result.status == 0, "\(result.stderr)")
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: logs))
        #expect(!left.contains("outflow-2020-01-01.log"))
        #expect(left.isSuperset(of: ["outflow-2020-02-01.log", "notes.txt"]))
        #expect(left.count == 3, "\(left)")
    }

    @Test func anInstalledWrapperRunsInCronsBareEnvironment() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        let prefix = ws.root + "/opt"
        let install = Process()
        install.executableURL = URL(fileURLWithPath: Binary.packageRoot + "/scripts/install")
        install.arguments = [prefix]
        install.environment = ProcessInfo.processInfo.environment.merging(["OUTFLOW_BIN": Binary.path]) { $1 }
        install.standardOutput = FileHandle.nullDevice
        install.standardError = FileHandle.nullDevice
        try install.run()
        install.waitUntilExit()
        #expect(install.terminationStatus == 0)
        for name in ["bin/outflow", "bin/outflow-nightly", "share/outflow/instruments/ervaringwijzer-v1.json"] {
            #expect(FileManager.default.fileExists(atPath: prefix + "/" + name), "\(name)")
        }
        // No OUTFLOW_BIN, no OUTFLOW_LOG_DIR, started in $HOME: the crontab line of the README.
        let night = try Self.nightly([ws.pipelinePath], in: ws.root, logs: nil, binary: nil, script: prefix + "/bin/outflow-nightly")
        #expect(night.status == 0, "\(night.stderr)")
        #expect(night.stderr.isEmpty)
        let log = try Self.logLines(prefix + "/logs")
        #expect(log.first?.contains(" INFO nightly start \(ws.pipelinePath) (\(prefix)/bin/outflow)") == true, "\(log)")
        #expect(log.contains { $0.contains(" INFO outflow published ") })
    }
}
