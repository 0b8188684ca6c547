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
    /// A pipeline on the sample inbox with its database and outputs in a temp folder.
    static func samplePipeline() throws -> (root: String, pipeline: String) {
        let root = NSTemporaryDirectory() + "outflow-sample-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let text = try String(contentsOfFile: Binary.packageRoot + "/pipelines/sample.json", encoding: .utf8)
            .replacingOccurrences(of: "../var/outflow.sqlite", with: root + "/var/outflow.sqlite")
            .replacingOccurrences(of: "../sample-data/inbox", with: Binary.packageRoot + "/sample-data/inbox")
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
            "registraties_2025-02-28.csv loaded 617 617 0", "registraties_2025-03-31.csv loaded 657 652 5",
            "ervaringwijzer_2025-02-28.csv loaded 485 485 0", "ervaringwijzer_2025-03-31.csv loaded 5 5 0",
            "beschikkingen_2025-02-28.csv loaded 2770 2770 0", "beschikkingen_2025-03-31.csv loaded 2803 2798 5",
            "gezinsrelaties_2025-02-28.csv loaded 1378 1378 0", "gezinsrelaties_2025-03-31.csv loaded 1378 1376 2",
            "bevolking_2025-02-28.csv loaded 4834 4834 0", "bevolking_2025-03-31.csv loaded 4883 4883 0",
        ])
        #expect(manifest["asOf"] as? String == "2025-03-31")
        #expect((manifest["stages"] as! [[String: Any]]).map { $0["name"] as! String }
                == ["ingest", "link", "questionnaire", "cohort", "measures", "comparison", "mart", "audit", "publish"])

        // Protected figures (k = 10, b = 5; docs/methods.md section 10); the exact ones are
        // in restricted/exact/ and equal the unprotected estimates. The cohort has no competing
        // events yet (the age limit censors), so n_competing is 0 and Aalen-Johansen equals
        // 1 - Kaplan-Meier; its interval is the delta-method one of methods.md 6b (checked
        // against independent Python by scripts/crosscheck-estimates and, protected,
        // scripts/crosscheck-disclosure).
        #expect(try Self.read(root, "attrition.csv") == """
            step,reason,entries,persons,excluded_entries,excluded_persons
            1,registration episodes started on or before the cut-off,650,600,0,0
            2,has an end date (not still participating),590,545,60,55
            3,index date on or before the cut-off,590,545,0,0
            4,"role is one of jongere, opvoeder",590,545,0,0
            5,first qualifying episode per person,545,545,45,0
            6,outcome observable (caregiver has a linked child under 18 at index),515,515,30,30
            7,not aged out (under 18 at index),515,515,0,0
            8,not in individual care at index,480,480,35,35

            """)
        let outflow = try Self.read(root, "outflow.csv").split(separator: "\n")
        #expect(Array(outflow.prefix(5)) == [
            "stratum,stratum_value,horizon_days,entries,n_followed,n_events,n_censored,cum_incidence,ci_low,ci_high,suppressed,n_competing,cif_aj,cif_aj_low,cif_aj_high",
            "all,all,91,475,400,25,45,0.0549,0.0374,0.0802,0,5,0.0546,0.0363,0.0781",
            "all,all,182,475,350,35,85,0.0797,0.0578,0.1094,0,5,0.0792,0.0564,0.1069",
            "all,all,365,475,290,55,115,0.1374,0.1069,0.1757,0,15,0.1345,0.1033,0.1699",
            "all,all,730,475,170,65,215,0.1805,0.1429,0.2266,0,25,0.1740,0.1362,0.2156",
        ])
        let exact = try Self.read(root, "restricted/exact/outflow.csv").split(separator: "\n")
        #expect(Array(exact.prefix(5)) == [
            "stratum,stratum_value,horizon_days,entries,n_followed,n_events,n_censored,cum_incidence,ci_low,ci_high,suppressed,n_competing,cif_aj,cif_aj_low,cif_aj_high",
            "all,all,91,478,409,22,43,0.0471,0.0313,0.0707,0,4,0.0470,0.0304,0.0689",
            "all,all,182,478,351,31,86,0.0688,0.0489,0.0965,0,10,0.0684,0.0476,0.0942",
            "all,all,365,478,292,51,117,0.1254,0.0965,0.1623,0,18,0.1231,0.0934,0.1572",
            "all,all,730,478,164,68,218,0.1945,0.1547,0.2429,0,28,0.1872,0.1473,0.2309",
        ])
        #expect(Array(try Self.read(root, "outflow_curve.csv").split(separator: "\n").prefix(2)) == [
            "stratum,stratum_value,t_days,at_risk,cum_incidence,ci_low,ci_high,cif_aj,cif_aj_low,cif_aj_high",
            "all,all,0,475,0.0105,0.0044,0.0251,0.0105,0.0040,0.0233",
        ])
        #expect(try Self.read(root, "rates.csv").split(separator: "\n")[1] == "all,all,475,75,742.54,10.10,7.94,12.66,0")
        #expect(try Self.read(root, "restricted/exact/rates.csv").split(separator: "\n")[1] == "all,all,478,71,742.54,9.56,7.47,12.06,0")
        #expect(try Self.read(root, "before_after.csv").split(separator: "\n")[1] == "all,all,355,0,15,40,300,0.0010,0,0.0423,0.1127")
        #expect(try Self.read(root, "response.csv") == """
            wave,role,eligible,respondents,response_rate,suppressed
            1,jongere,115,55,0.4783,0
            1,opvoeder,430,215,0.5000,0
            2,jongere,95,25,0.2632,0
            2,opvoeder,345,115,0.3333,0
            3,jongere,90,10,0.1111,0
            3,opvoeder,310,60,0.1935,0

            """)
        #expect(try Self.read(root, "restricted/exact/response.csv").split(separator: "\n")[1] == "1,jongere,117,53,0.4530,0")
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
