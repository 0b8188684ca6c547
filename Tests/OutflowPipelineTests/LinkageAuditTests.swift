// The steward's audit: per-file counts by reason, match rates with breakdowns, anomalies,
// a warning when a match rate drops by more than 5 points, and no pseudonym anywhere.

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

struct LinkageAuditTests {
    @Test func auditHoldsCountsMatchRatesAndNoPseudonyms() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        _ = try ws.job()
        let json = try JSONSerialization.jsonObject(with: Data(try ws.read("restricted/audit.json").utf8)) as! [String: Any]
        let rates = json["matchRates"] as! [[String: Any]]
        let caregivers = try #require(rates.first { $0["name"] as? String == "caregivers_with_children" })
        #expect(caregivers["linked"] as? Int == 40 && caregivers["unlinked"] as? Int == 0)
        let youth = try #require(rates.first { $0["name"] as? String == "youth_in_decisions" })
        #expect(youth["linked"] as? Int == 6 && youth["unlinked"] as? Int == 34)
        let respondents = try #require(rates.first { $0["name"] as? String == "questionnaire_in_registrations" })
        #expect(respondents["linked"] as? Int == 80)
        let anomalies = json["anomalies"] as! [String: Any]
        #expect(anomalies["bothYouthAndCaregiver"] as? Int == 0)
        for name in ["audit.json", "audit.html"] {
            #expect(try ws.read("restricted/" + name).firstMatch(of: try Regex("[0-9a-f]{64}")) == nil)
        }
        let unmatched = try String(contentsOfFile: ws.output + "/latest/restricted/unmatched_registrations_family.csv", encoding: .utf8)
        #expect(unmatched == "pseudo_id\n")
    }

    @Test func warnsWhenAMatchRateDropsByMoreThanFivePoints() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        _ = try ws.job()
        // The next family snapshot links only 36 of the 40 caregivers (90%, 10 points down).
        try ws.deliverSmallInbox(extraction: "2025-04-30", extraDecisions: 1)
        var family = ["parent_pseudo_id,child_pseudo_id,child_birth_year,key_id"]
        for i in 41...76 { family.append("\(P(i)),\(P(1000 + i)),2014,1a2b3c4d") }
        try ws.deliver("gezinsrelaties_2025-04-30.csv", family.joined(separator: "\n") + "\n")
        _ = try ws.job()
        let json = try JSONSerialization.jsonObject(with: Data(try ws.read("restricted/audit.json").utf8)) as! [String: Any]
        let warnings = json["warnings"] as! [String]
        #expect(warnings.contains("match rate caregivers_with_children dropped from 100.0% to 90.0% since the previous run"))
        let unmatched = try String(contentsOfFile: ws.output + "/latest/restricted/unmatched_registrations_family.csv", encoding: .utf8)
        #expect(unmatched.split(separator: "\n").count == 5)
        let mode = try FileManager.default.attributesOfItem(atPath: ws.output + "/latest/restricted/unmatched_registrations_family.csv")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
