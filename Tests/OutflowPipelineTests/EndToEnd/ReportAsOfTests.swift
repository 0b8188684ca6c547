// `outflow report --as-of` as a process of the real binary on the sample inbox: a report for
// another cut-off goes to reports/<as-of>-<run-id>/ and leaves latest, the nightly run folder
// and the nightly's mart rows alone; a cut-off before a source's first snapshot is refused
// with one line and writes nothing.

import Foundation
import Testing
import OutflowCore
import OutflowStorage
import OutflowTestSupport

struct ReportAsOfTests {
    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    static func names(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    /// Run id -> cut-off of every job with rows in `mart_cohort_entry`, and the nightly's run id.
    static func marts(_ database: String) throws -> (runs: [String: String], latest: String?) {
        let db = try Database(path: database, readOnly: true)
        var runs: [String: String] = [:]
        for (runId, asOf) in try db.query("SELECT DISTINCT run_id, as_of FROM mart_cohort_entry") { ($0.string(0), $0.string(1)) } {
            runs[runId] = asOf
        }
        let attritionRuns = Set(try db.query("SELECT DISTINCT run_id FROM mart_attrition") { $0.string(0) })
        #expect(attritionRuns == Set(runs.keys))
        return (runs, try db.scalarText("SELECT run_id FROM v_latest_run"))
    }

    @Test func aReportForAnotherCutOffLeavesLatestAndTheNightlyAlone() throws {
        let (root, pipeline) = try SampleRunTests.samplePipeline()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let out = root + "/out", database = root + "/var/outflow.sqlite"
        let run = try Binary.run(["run", pipeline])
        #expect(run.status == 0, "\(run.stderr)")
        let nightly = try FileManager.default.destinationOfSymbolicLink(atPath: out + "/latest")
        let manifest = try Data(contentsOf: URL(fileURLWithPath: out + "/latest/manifest.json"))
        let outflow = try Data(contentsOf: URL(fileURLWithPath: out + "/latest/outflow.csv"))
        let nightlyFolder = ErasureTests.snapshot(out + "/" + nightly)

        let report = try Binary.run(["report", pipeline, "--as-of", "2025-03-15"])
        #expect(report.status == 0, "\(report.stderr)")
        let reports = Self.names(out + "/reports")
        #expect(reports.count == 1 && reports[0].hasPrefix("2025-03-15-20"))
        let reportId = String(reports[0].dropFirst(11))
        #expect(report.stderr == "published report \(out)/reports/\(reports[0]) (as of 2025-03-15); latest and the nightly run folders unchanged\n")
        #expect(report.stdout.isEmpty)

        // latest and the nightly run folder are as they were, byte for byte.
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out + "/latest") == nightly)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/latest/manifest.json")) == manifest)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/latest/outflow.csv")) == outflow)
        #expect(ErasureTests.snapshot(out + "/" + nightly) == nightlyFolder)
        #expect(Self.names(out) == [nightly, "latest", "reports"])

        // The report folder is a whole run folder for its own cut-off.
        let reportManifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/reports/" + reports[0] + "/manifest.json"))) as! [String: Any]
        #expect(reportManifest["asOf"] as? String == "2025-03-15" && reportManifest["runId"] as? String == reportId)
        for name in ["report.html", "outflow.csv", "attrition.csv", "restricted/audit.json"] {
            #expect(FileManager.default.fileExists(atPath: out + "/reports/" + reports[0] + "/" + name), "\(name)")
        }

        // The marts hold both: the nightly's rows, which v_latest_run names, and the report's.
        var marts = try Self.marts(database)
        #expect(marts.runs == [nightly: "2025-03-31", reportId: "2025-03-15"])
        #expect(marts.latest == nightly)

        // A nightly idle night is still idle: the report did not touch what latest was built from.
        let idle = try Binary.run(["run", pipeline])
        #expect(idle.status == 0 && idle.stderr == "no new deliveries; latest unchanged (run \(nightly))\n")

        // A second report replaces the first's mart rows; a new nightly replaces the nightly's.
        let second = try Binary.run(["report", pipeline, "--as-of", "2025-02-28"])
        #expect(second.status == 0, "\(second.stderr)")
        let secondId = String(try #require(Self.names(out + "/reports").first { $0.hasPrefix("2025-02-28-") }).dropFirst(11))
        let forced = try Binary.run(["run", pipeline, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        let newNightly = try FileManager.default.destinationOfSymbolicLink(atPath: out + "/latest")
        marts = try Self.marts(database)
        #expect(newNightly != nightly)
        #expect(marts.runs == [newNightly: "2025-03-31", secondId: "2025-02-28"])
        #expect(marts.latest == newNightly)
        #expect(Self.names(out + "/reports").count == 2)
    }

    @Test func aCutOffBeforeTheFirstSnapshotIsRefusedAndWritesNothing() throws {
        let (root, pipeline) = try SampleRunTests.samplePipeline()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let out = root + "/out", database = root + "/var/outflow.sqlite"
        #expect(try Binary.run(["run", pipeline]).status == 0)
        let before = ErasureTests.snapshot(out)
        let jobs = try Database(path: database, readOnly: true).scalarInt("SELECT count(*) FROM run_log")

        let refused = try Binary.run(["report", pipeline, "--as-of", "2025-02-27"])
        #expect(refused.status == 65)
        #expect(refused.stderr == "outflow report: --as-of 2025-02-27 is before the first snapshot of source registrations, 28-02-2025: nothing of it was in force then; choose 28-02-2025 or later\n")
        #expect(refused.stdout.isEmpty)
        #expect(ErasureTests.snapshot(out) == before)
        #expect(!FileManager.default.fileExists(atPath: out + "/reports"))
        #expect(try Database(path: database, readOnly: true).scalarInt("SELECT count(*) FROM run_log") == jobs)
    }
}
