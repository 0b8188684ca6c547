// `outflow generate --population [--effect R]` through the real binary: the register's files
// are written and load without a quarantined row; `--effect` alone or not a number is a usage
// error.

import Foundation
import Testing
import OutflowCore
import OutflowTestSupport

struct GeneratePopulationTests {
    @Test func writesTheRegisterThatLoadsCleanly() throws {
        let ws = try Workspace(population: true)
        let run = try Binary.run(["generate", "--out", ws.inbox, "--persons", "200", "--seed", "4", "--population", "--effect", "1"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("bevolking_2025-03-31.csv"))
        let report = try ws.ingest()
        let population = try #require(report.files.first { $0.fileName == "bevolking_2025-03-31.csv" })
        #expect(population.status == .loaded && population.quarantined == 0 && population.accepted >= 1000)
    }

    @Test func effectNeedsThePopulationAndANumber() throws {
        let out = NSTemporaryDirectory() + "outflow-gen-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: out) }
        let alone = try Binary.run(["generate", "--out", out, "--effect", "0.5"])
        #expect(alone.status == 64 && alone.stderr.contains("'--effect' needs '--population'"))
        let word = try Binary.run(["generate", "--out", out, "--population", "--effect", "half"])
        #expect(word.status == 64 && word.stderr.contains("'half' is not a number"))
        let tiny = try Binary.run(["generate", "--out", out, "--population", "--effect", "0"])
        #expect(tiny.status == 64 && tiny.stderr.contains("effect"))
    }
}
