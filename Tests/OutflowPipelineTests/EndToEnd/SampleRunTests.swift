// The real binary on the committed sample inbox (sample-data/inbox, made by
// `outflow generate --persons 600 --seed 7 --snapshots 2 --bad-rows 12 --population`): exact counts
// per file and per attrition step, exact headline estimates, byte-identical reruns, and
// no small count or pseudonym in any analyst file.

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

struct SampleRunTests {
    /// A pipeline on the sample inbox (or `inbox`) with its database and outputs in a temp folder.
    static func samplePipeline(inbox: String = Binary.packageRoot + "/sample-data/inbox") throws -> (root: String, pipeline: String) {
        let root = NSTemporaryDirectory() + "outflow-sample-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let text = try String(contentsOfFile: Binary.packageRoot + "/pipelines/sample.json", encoding: .utf8)
            .replacingOccurrences(of: "../var/outflow.sqlite", with: root + "/var/outflow.sqlite")
            .replacingOccurrences(of: "../sample-data/inbox", with: inbox)
            .replacingOccurrences(of: "\"../out\"", with: "\"\(root)/out\"")
            .replacingOccurrences(of: "instruments/ervaringwijzer-v1.json", with: Binary.packageRoot + "/pipelines/instruments/ervaringwijzer-v1.json")
        try text.write(toFile: root + "/sample.json", atomically: true, encoding: .utf8)
        return (root, root + "/sample.json")
    }

    static func read(_ root: String, _ name: String) throws -> String {
        try String(contentsOfFile: root + "/out/latest/" + name, encoding: .utf8)
    }

    @Test func publishesExactFiguresOnTheSampleInbox() throws {
        let (root, pipeline) = try Self.samplePipeline()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let run = try Binary.run(["run", pipeline])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.split(separator: "\n").count == 1 && run.stderr.hasPrefix("published \(root)/out/"))

        let manifest = try JSONSerialization.jsonObject(with: Data(try Self.read(root, "manifest.json").utf8)) as! [String: Any]
        let inputs = (manifest["inputs"] as! [[String: Any]]).map { "\($0["file"]!) \($0["status"]!) \($0["rowsRead"]!) \($0["accepted"]!) \($0["quarantined"]!)" }
        #expect(inputs == [
            "registraties_2025-02-28.csv loaded 610 610 0", "registraties_2025-03-31.csv loaded 651 646 5",
            "ervaringwijzer_2025-02-28.csv loaded 496 496 0", "ervaringwijzer_2025-03-31.csv loaded 8 8 0",
            "beschikkingen_2025-02-28.csv loaded 2845 2845 0", "beschikkingen_2025-03-31.csv loaded 2869 2864 5",
            "gezinsrelaties_2025-02-28.csv loaded 1392 1392 0", "gezinsrelaties_2025-03-31.csv loaded 1392 1390 2",
            "bevolking_2025-02-28.csv loaded 4882 4882 0", "bevolking_2025-03-31.csv loaded 4924 4924 0",
        ])
        #expect(manifest["asOf"] as? String == "2025-03-31")
        #expect((manifest["stages"] as! [[String: Any]]).map { $0["name"] as! String }
                == ["ingest", "link", "questionnaire", "cohort", "measures", "comparison", "mart", "audit", "publish"])

        // Protected figures (k = 10, b = 5; docs/methods.md section 10); the exact ones are
        // in restricted/exact/ and equal the unprotected estimates. Death and the age limit
        // are competing events (n_competing), so Aalen-Johansen is below 1 - Kaplan-Meier; its
        // interval is the delta-method one of methods.md 6b (checked against independent
        // Python by scripts/crosscheck-estimates and, protected, scripts/crosscheck-disclosure).
        // The before/after row of `all` holds a small cell, so it shows only its size.
        #expect(try Self.read(root, "attrition.csv") == """
            step,reason,entries,persons,excluded_entries,excluded_persons
            1,registration episodes started on or before the cut-off,645,595,0,0
            2,has an end date (not still participating),580,545,65,50
            3,index date on or before the cut-off,580,545,0,0
            4,"role is one of jongere, opvoeder",580,545,0,0
            5,first qualifying episode per person,545,545,35,0
            6,outcome observable (caregiver has a linked child under 18 at index),515,515,30,30
            7,not aged out (under 18 at index),515,515,0,0
            8,not in individual care at index,445,445,70,70

            """)
        let outflow = try Self.read(root, "outflow.csv").split(separator: "\n")
        #expect(Array(outflow.prefix(5)) == [
            "stratum,stratum_value,horizon_days,entries,n_followed,n_events,n_censored,cum_incidence,ci_low,ci_high,suppressed,n_competing,cif_aj,cif_aj_low,cif_aj_high",
            "all,all,91,445,395,5,45,0.0114,0.0047,0.0271,0,0,0.0114,0.0043,0.0251",
            "all,all,182,445,340,15,85,0.0381,0.0231,0.0625,0,5,0.0377,0.0220,0.0599",
            "all,all,365,445,280,25,125,0.0701,0.0478,0.1025,0,15,0.0684,0.0454,0.0977",
            "all,all,730,445,150,35,225,0.1166,0.0840,0.1608,0,35,0.1113,0.0786,0.1503",
        ])
        let exact = try Self.read(root, "restricted/exact/outflow.csv").split(separator: "\n")
        #expect(Array(exact.prefix(5)) == [
            "stratum,stratum_value,horizon_days,entries,n_followed,n_events,n_censored,cum_incidence,ci_low,ci_high,suppressed,n_competing,cif_aj,cif_aj_low,cif_aj_high",
            "all,all,91,446,396,6,44,0.0139,0.0063,0.0306,0,0,0.0139,0.0058,0.0286",
            "all,all,182,446,346,12,85,0.0295,0.0168,0.0514,0,3,0.0294,0.0160,0.0493",
            "all,all,365,446,282,26,123,0.0729,0.0500,0.1056,0,15,0.0714,0.0478,0.1012",
            "all,all,730,446,149,39,225,0.1343,0.0984,0.1819,0,33,0.1266,0.0912,0.1680",
        ])
        #expect(Array(try Self.read(root, "outflow_curve.csv").split(separator: "\n").prefix(2)) == [
            "stratum,stratum_value,t_days,at_risk,cum_incidence,ci_low,ci_high,cif_aj,cif_aj_low,cif_aj_high",
            "all,all,0,445,0.0000,0.0000,0.0000,0.0000,0.0000,0.0000",
        ])
        #expect(try Self.read(root, "rates.csv").split(separator: "\n")[1] == "all,all,445,55,693.83,7.93,5.97,10.32,0")
        #expect(try Self.read(root, "restricted/exact/rates.csv").split(separator: "\n")[1] == "all,all,446,57,693.83,8.22,6.22,10.64,0")
        #expect(try Self.read(root, "before_after.csv").split(separator: "\n")[1] == "all,all,320,,,,,,1,,")
        #expect(try Self.read(root, "response.csv") == """
            wave,role,eligible,respondents,response_rate,suppressed
            1,jongere,115,55,0.4783,0
            1,opvoeder,430,200,0.4651,0
            2,jongere,95,35,0.3684,0
            2,opvoeder,350,115,0.3286,0
            3,jongere,90,15,0.1667,0
            3,opvoeder,310,70,0.2258,0

            """)
        #expect(try Self.read(root, "restricted/exact/response.csv").split(separator: "\n")[1] == "1,jongere,114,57,0.5000,0")
        // The matched comparison (methods.md section 11): no control drawn twice, every
        // matching variable balanced (|SMD| <= 0.1), the arms and contrasts published.
        let sets = try String(contentsOfFile: root + "/out/latest/restricted/matched_sets.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        let controls = sets.map { $0.split(separator: ",")[1] }
        #expect(!controls.isEmpty && Set(controls).count == controls.count)
        let balance = try Self.read(root, "balance.csv").split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        for line in balance where ["birth_year", "sex", "district", "prior_care"].contains(String(line[0])) {
            if let smd = Double(line[4]) { #expect(abs(smd) <= 0.1, "\(line)") }
        }
        let comparison = try Self.read(root, "comparison.csv").split(separator: "\n")
        #expect(comparison.contains { $0.hasPrefix("all,all,365,exposed,") } && comparison.contains { $0.hasPrefix("all,all,365,ratio,") })
        // The report's comparison in plain Dutch: the headline in the short box, no raw codes.
        let report = try Self.read(root, "report.html")
        #expect(report.contains("Vergelijking met vergelijkbare kinderen die niet deelnamen") && report.contains("procentpunt"))
        #expect(report.contains("<li>Na 365 dagen had "))
        for code in [">exposed<", ">comparison<", ">difference<", ">ratio<", "cif aj", ">smd<", ">flagged<", "exposed_entries",
                     "controls_per_entry", "prior_care", "birth_year", "participant role"] {
            #expect(!report.contains(code), "raw code '\(code)' in the Dutch report")
        }
        let quarantine = try String(contentsOfFile: root + "/out/latest/restricted/quarantine.csv", encoding: .utf8)
        #expect(quarantine.split(separator: "\n").count == 1 + 12)

        // A forced rerun loads nothing and publishes byte-identical analyst files.
        let first = try JobTests.analystFiles.map { try Self.read(root, $0) }
        let again = try Binary.run(["run", pipeline, "--force"])
        #expect(again.status == 0)
        #expect(try JobTests.analystFiles.map { try Self.read(root, $0) } == first)
        #expect(try Self.read(root, "manifest.json").contains("\"status\": \"already_loaded\""))
    }

    @Test func analystFilesHoldNoSmallCountAndNoPseudonym() throws {
        let (root, pipeline) = try Self.samplePipeline()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(try Binary.run(["run", pipeline]).status == 0)
        // Every count an analyst file shows is 0, a block midpoint of k = 10 (5, 15, 25, ...:
        // the survival family), a multiple of 5 of at least 10 (tables), or computed from
        // those (at risk, followed, excluded).
        let midpoints: Set<String> = ["entries@outflow", "n_events", "n_censored", "n_competing", "entries@rates", "events", "entries@outflow_by_answer"]
        let rounded: Set<String> = ["entries@attrition", "persons", "respondents", "eligible", "entries@before_after", "before_yes_after_yes",
                                    "before_yes_after_no", "before_no_after_yes", "before_no_after_no"]
        let hex64 = try Regex("[0-9a-f]{64}")
        for name in JobTests.analystFiles + ["report.html"] {
            let text = try Self.read(root, name)
            #expect(text.firstMatch(of: hex64) == nil, "\(name) holds a pseudonym")
            guard name.hasSuffix(".csv") else { continue }
            // The library's RFC 4180 reader: a quoted value holding a comma (attrition's
            // "role is one of jongere, opvoeder") must not shift or hide the counts after it.
            let reader = try CSVReader(path: root + "/out/latest/" + name)
            let header = try reader.readHeader()
            while try reader.next() {
                #expect(reader.count == header.count, "\(name): row \(reader.row) has \(reader.count) fields, the header \(header.count)")
                let table = String(name.dropLast(4))
                for (i, column) in header.enumerated() where i < reader.count {
                    guard let n = Int(reader.string(at: i)) else { continue }
                    let key = column == "entries" ? "entries@\(table)" : column
                    if midpoints.contains(key) { #expect(n == 0 || (n + 5) % 10 == 0, "\(name): row \(reader.row): \(column) = \(n)") }
                    if rounded.contains(key) { #expect(n == 0 || (n >= 10 && n % 5 == 0), "\(name): row \(reader.row): \(column) = \(n)") }
                }
            }
        }
    }

    @Test func usageErrorsHelpAndVersion() throws {
        let bad = try Binary.run(["run", "--frobnicate"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("Error: unknown option '--frobnicate'"))
        #expect(bad.stderr.contains("Usage: outflow run PIPELINE.json"))
        #expect(bad.stderr.contains("See 'outflow run --help'."))
        for command in ["run", "ingest", "report", "audit", "validate", "pseudonymise", "generate", "erase", "retry", "status"] {
            let help = try Binary.run([command, "--help"])
            #expect(help.status == 0 && help.stdout.contains("USAGE: outflow \(command)") && help.stderr.isEmpty)
        }
        let version = try Binary.run(["--version"])
        #expect(version.status == 0 && version.stdout == "outflow \(Outflow.version)\n")
        let tooManyBadRows = try Binary.run(["generate", "--out", NSTemporaryDirectory() + "outflow-gen-" + UUID().uuidString,
                                             "--persons", "10", "--bad-rows", "5"])
        #expect(tooManyBadRows.status == 64 && tooManyBadRows.stderr.contains("See 'outflow generate --help'."))
        let missing = try Binary.run(["run", "/nonexistent/pipeline.json"])
        #expect(missing.status == 64 && missing.stderr.contains("/nonexistent/pipeline.json: no such file"))
    }

    @Test func validatePrintsFindingsWithoutLoading() throws {
        let (root, pipeline) = try Self.samplePipeline()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let file = root + "/beschikkingen_2025-04-30.csv"
        try (Workspace.decisionHeader + "\n" + (1...20).map { "\(P($0)),X\($0),2025-04-01,31-02-2025,,45,,,0344,," }.joined(separator: "\n"))
            .write(toFile: file, atomically: true, encoding: .utf8)
        let result = try Binary.run(["validate", pipeline, file, "--source", "decisions"])
        #expect(result.status == 65)
        #expect(result.stdout.contains("rows read: 20"))
        #expect(result.stdout.contains("bad_date: 20"))
        #expect(result.stdout.contains("verdict: refused"))
        #expect(!FileManager.default.fileExists(atPath: root + "/var/outflow.sqlite"))
    }
}
