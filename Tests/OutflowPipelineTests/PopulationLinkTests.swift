// The population source in the link stage: its parents are family links (a caregiver
// without any family-source row still has children), its birth month places the age limit,
// and its moving-out and death dates end follow-up, read back from mart_cohort_entry.

import Foundation
import Testing
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowAnalysis
import OutflowPipeline
import OutflowTestSupport

struct PopulationLinkTests {
    static let registrationHeader = "pseudo_id;group_id;group_type;organisation;role;start_date;end_date;end_reason;birth_year;district;key_id"

    static func deliver(_ ws: Workspace) throws {
        try ws.deliver("registraties_2025-03-31.csv", """
            \(registrationHeader)
            \(P(1));G1;opvoedgroep;Org;opvoeder;2023-11-01;2024-01-10;afgerond;1985;Zuid;1a2b3c4d
            \(P(2));G2;jongerengroep;Org;jongere;2023-11-01;2024-01-10;afgerond;2010;Zuid;1a2b3c4d
            \(P(3));G2;jongerengroep;Org;jongere;2023-11-01;2024-01-10;voortijdig;2010;Zuid;1a2b3c4d
            \(P(4));G2;jongerengroep;Org;jongere;2023-11-01;2024-01-10;afgerond;2010;Zuid;1a2b3c4d

            """)
        try ws.deliver("beschikkingen_2025-03-31.csv", """
            \(Workspace.decisionHeader)
            \(P(11)),D1,2024-04-20,2024-05-01,,45,,,0344,,1a2b3c4d
            \(P(4)),D2,2024-04-20,2024-05-01,,45,,,0344,,1a2b3c4d

            """)
        try ws.deliver("bevolking_2025-03-31.csv", """
            \(Workspace.populationHeader)
            \(P(11)),2012,4,V,Oost,,,,\(P(1)),,1a2b3c4d
            \(P(1)),1985,3,V,Oost,,,2024-04-01,,,1a2b3c4d
            \(P(2)),2007,2,M,Oost,,,,,,1a2b3c4d
            \(P(3)),2010,8,M,Oost,,2024-06-01,,,,1a2b3c4d

            """)
    }

    static func entries(_ ws: Workspace) throws -> [String] {
        try ws.open().query("""
            SELECT substr(p.pseudo_id, 64), e.subject_count, e.time_days, e.event, coalesce(e.censor_reason, 'event'), date(e.follow_up_end)
            FROM mart_cohort_entry e JOIN person p USING (person_id) ORDER BY p.pseudo_id
            """) { row in (0..<6).map { row.string($0) }.joined(separator: " ") }
    }

    @Test func parentsMovesDeathsAndBirthMonthsReachTheCohort() throws {
        let ws = try Workspace(population: true)
        try Self.deliver(ws)
        let result = try ws.job()
        #expect(result.folder != nil)
        let index = Day(parsing: "2024-01-10")!
        #expect(try Self.entries(ws) == [
            // The caregiver's child comes from the population's parent column; the caregiver
            // dies before the child's care starts: a competing event on the caregiver's own date.
            "1 1 \(Day(parsing: "2024-04-01")! - index) 0 died 2024-04-01",
            // Born February 2007: 18 on 2025-02-01 (the registration's 2010 gives way).
            "2 1 \(Day(parsing: "2025-02-01")! - index) 0 age_limit 2025-02-01",
            "3 1 \(Day(parsing: "2024-06-01")! - index) 0 moved_out 2024-06-01",
            // Not in the population: the registration's birth year, no move known.
            "4 1 \(Day(parsing: "2024-05-01")! - index) 1 event 2025-03-31",
        ])
        // The audit: who of the participants and of the decisions' children the population holds.
        let audit = try JSONSerialization.jsonObject(with: Data(try ws.read("restricted/audit.json").utf8)) as! [String: Any]
        let rates = Dictionary(uniqueKeysWithValues: (audit["matchRates"] as! [[String: Any]]).map {
            ($0["name"] as! String, "\($0["linked"]!) \($0["unlinked"]!)")
        })
        #expect(rates["youth_in_population"] == "2 1")
        #expect(rates["children_in_population"] == "1 0")
        #expect(rates["decisions_in_population"] == "1 1")
        #expect(rates["caregivers_with_children"] == "1 0")
        let sources = (audit["sources"] as! [[String: Any]]).map { "\($0["source"]!) \($0["rowsInForce"]!) \($0["persons"]!)" }
        #expect(sources.contains("population 4 4"))
    }

    @Test func theMartsDistrictIsTheStratumsRegistrationFirstThenThePopulationRow() throws {
        let ws = try Workspace(population: true)
        try Self.deliver(ws)
        // Youth 2 registered without a district: the mart takes Oost from its population row,
        // as the `district` stratum does; youth 4 has neither a registration district nor a row.
        let path = ws.inbox + "/registraties_2025-03-31.csv"
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "\(P(2));G2;jongerengroep;Org;jongere;2023-11-01;2024-01-10;afgerond;2010;Zuid;", with: "\(P(2));G2;jongerengroep;Org;jongere;2023-11-01;2024-01-10;afgerond;2010;;")
            .replacingOccurrences(of: "\(P(4));G2;jongerengroep;Org;jongere;2023-11-01;2024-01-10;afgerond;2010;Zuid;", with: "\(P(4));G2;jongerengroep;Org;jongere;2023-11-01;2024-01-10;afgerond;2010;;")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try ws.job().folder != nil)
        let districts = try ws.open().query("""
            SELECT substr(p.pseudo_id, 64), coalesce(e.district, '-') FROM mart_cohort_entry e JOIN person p USING (person_id) ORDER BY p.pseudo_id
            """) { row in row.string(0) + " " + row.string(1) }
        #expect(districts == ["1 Zuid", "2 Oost", "3 Zuid", "4 -"])
    }

    @Test func withoutThePopulationSourceNobodyMovesAndLimitsFallOnTheFirstOfJuly() throws {
        let ws = try Workspace()
        try Self.deliver(ws)
        _ = try ws.job()
        let index = Day(parsing: "2024-01-10")!
        // Caregiver 1 has no family link without the population source: excluded.
        #expect(try Self.entries(ws) == [
            "2 1 \(Day(parsing: "2025-03-31")! - index) 0 end_of_data 2025-03-31",
            "3 1 \(Day(parsing: "2025-03-31")! - index) 0 end_of_data 2025-03-31",
            "4 1 \(Day(parsing: "2024-05-01")! - index) 1 event 2025-03-31",
        ])
    }

    /// Every link the register gives is counted for the audit, but only those with a
    /// participant as parent or as child are kept; a parent given twice in one row is one link,
    /// and a link the family source also gives is the family's.
    @Test func onlyParticipantsLinksAreKeptButEveryLinkIsCounted() throws {
        let ws = try Workspace(population: true)
        try ws.deliver("registraties_2025-03-31.csv", """
            \(Self.registrationHeader)
            \(P(1));G1;opvoedgroep;Org;opvoeder;2023-11-01;2024-01-10;afgerond;1985;Zuid;1a2b3c4d
            \(P(2));G2;jongerengroep;Org;jongere;2023-11-01;2024-01-10;afgerond;2010;Zuid;1a2b3c4d

            """)
        try ws.deliver("gezinsrelaties_2025-03-31.csv", """
            parent_pseudo_id,child_pseudo_id,child_birth_year,key_id
            \(P(1)),\(P(11)),2012,1a2b3c4d

            """)
        try ws.deliver("bevolking_2025-03-31.csv", """
            \(Workspace.populationHeader)
            \(P(11)),2012,4,V,Oost,,,,\(P(1)),\(P(1)),1a2b3c4d
            \(P(12)),2014,5,M,Oost,,,,\(P(1)),\(P(61)),1a2b3c4d
            \(P(2)),2010,8,M,Oost,,,,\(P(60)),,1a2b3c4d
            \(P(50)),2011,1,V,West,,,,\(P(51)),\(P(52)),1a2b3c4d

            """)
        _ = try ws.ingest()
        let db = try ws.open()
        let linked = try LinkedSources.load(db: db, config: try ws.config(), asOf: Day(parsing: "2025-03-31")!)
        var ids: [Int: Int] = [:]
        for n in [1, 2, 11, 12, 51, 52, 60, 61] { ids[n] = try db.scalarInt("SELECT person_id FROM person WHERE pseudo_id = '\(P(n))'") }
        func children(_ n: Int) -> Set<Int> { Set(linked.inputs.children[ids[n]!].map(\.personId)) }
        // Register links: 11<-1 (the family's already), 12<-1, 12<-61, 2<-60, 50<-51, 50<-52.
        #expect(linked.facts.populationLinks == 5)
        #expect(children(1) == [ids[11]!, ids[12]!])
        #expect(children(60) == [ids[2]!])   // the child took part
        // Neither parent nor child took part: counted above, not kept.
        #expect(children(61).isEmpty && children(51).isEmpty && children(52).isEmpty)
        #expect(linked.inputs.residents.count == 4)
    }
}
