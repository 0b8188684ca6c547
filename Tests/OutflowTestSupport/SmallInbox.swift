// A small hand-made inbox of all four sources with known contents, for job-level tests.

import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowAnalysis
import OutflowPublish
import OutflowPipeline

extension Workspace {
    /// The decisions source's columns in the contract's order.
    /// The questionnaire columns of the test instrument, without key_id.
    package static let questionnaireHeader = "pseudo_id,group_id,role,wave,completed_on,at_ease,can_move_on,contact_outside,learned_useful,family_learned"

    /// The population source's columns in the contract's order.
    package static let populationHeader = "pseudo_id,birth_year,birth_month,sex,district,registered_from,registered_until,died,parent1_pseudo_id,parent2_pseudo_id,key_id"

    package static let decisionHeader = "pseudo_id,decision_id,decision_date,start_date,end_date,product_category,product_code,provider,municipality,change_reason,key_id"

    /// Delivers 40 youth and 40 caregivers (each with one child), 12 decisions and answers.
    package func deliverSmallInbox(extraction: String = "2025-03-31", keyId: String = "1a2b3c4d", extraDecisions: Int = 0) throws {
        var registrations = ["pseudo_id;group_id;group_type;organisation;role;start_date;end_date;end_reason;birth_year;district;key_id"]
        var family = ["parent_pseudo_id,child_pseudo_id,child_birth_year,key_id"]
        var decisions = [Workspace.decisionHeader]
        var answers = ["pseudo_id,group_id,role,wave,completed_on,at_ease,can_move_on,contact_outside,learned_useful,family_learned,key_id"]
        for i in 1...80 {
            let youth = i <= 40
            registrations.append("\(P(i));G\(i % 4);\(youth ? "jongerengroep" : "opvoedgroep");Org \(i % 2);\(youth ? "jongere" : "opvoeder");01-01-2024;01-03-2024;afgerond;\(youth ? 2010 : 1985);Zuid;\(keyId)")
            if !youth { family.append("\(P(i)),\(P(1000 + i)),2014,\(keyId)") }
            answers.append("\(P(i)),G\(i % 4),\(youth ? "jongere" : "opvoeder"),1,2024-03-05,\(i % 5 + 1),\(i % 3 + 3),\(i % 5 + 1),\(youth ? "4" : ""),\(youth ? "" : "5"),\(keyId)")
        }
        for i in 1...(12 + extraDecisions) {
            let subject = i <= 6 ? P(i) : P(1040 + i)
            decisions.append("\(subject),D\(i),2024-0\(i % 9 + 1)-01,2024-0\(i % 9 + 1)-10,,45,,,0344,,\(keyId)")
        }
        try deliver("registraties_\(extraction).csv", registrations.joined(separator: "\n") + "\n")
        try deliver("gezinsrelaties_\(extraction).csv", family.joined(separator: "\n") + "\n")
        try deliver("beschikkingen_\(extraction).csv", decisions.joined(separator: "\n") + "\n")
        try deliver("ervaringwijzer_\(extraction).csv", answers.joined(separator: "\n") + "\n")
    }
}
