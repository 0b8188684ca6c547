// The population source (bevolking_*.csv): loaded as a snapshot with history, its parents
// as person ids, raw citizen numbers refused, and erasure removing a person's own row and
// the rows that name them as a parent.

import Foundation
import Testing
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowPipeline
import OutflowTestSupport

struct PopulationSourceTests {
    static let header = RowValidationTests.populationHeader

    static func rows(_ ws: Workspace) throws -> [String] {
        try ws.open().query("""
            SELECT pseudo_id, birth_year, coalesce(birth_month, '-'), coalesce(sex, '-'), coalesce(district, '-'),
                   coalesce(registered_from, '-'), coalesce(registered_until, '-'), coalesce(died, '-'),
                   coalesce(substr(parent1_pseudo_id, 61), '-'), coalesce(substr(parent2_pseudo_id, 61), '-'),
                   valid_from, coalesce(valid_to, '-')
            FROM v_population ORDER BY pseudo_id, valid_from
            """) { row in (0..<12).map { row.string($0) }.joined(separator: " ") }
    }

    @Test func loadsResidentsWithTheirParentsAndKeepsHistory() throws {
        let ws = try Workspace(population: true)
        try ws.deliver("bevolking_2024-05-31.csv", """
            \(Self.header)
            \(P(1)),2012,5,V,Zuilen,,,,\(P(11)),\(P(12)),1a2b3c4d
            \(P(2)),2015,,m,,03-02-2016,2024-04-01,,,,1a2b3c4d
            \(P(3)),2009,1,X,Oost,,,2024-02-02,\(P(11)),,1a2b3c4d

            """)
        let first = try ws.ingest()
        #expect(first.files.map(\.accepted) == [3])
        #expect(try Self.rows(ws) == [
            "\(P(1)) 2012 5 V Zuilen - - - aaab aaac 2024-05-31 -",
            "\(P(2)) 2015 - M - 2016-02-03 2024-04-01 - - - 2024-05-31 -",
            "\(P(3)) 2009 1 X Oost - - 2024-02-02 aaab - 2024-05-31 -",
        ])
        // The next snapshot moves person 1 out; 2 and 3 are unchanged, 4 is new.
        try ws.deliver("bevolking_2024-06-30.csv", """
            \(Self.header)
            \(P(1)),2012,5,V,Zuilen,,2024-06-15,,\(P(11)),\(P(12)),1a2b3c4d
            \(P(2)),2015,,M,,2016-02-03,2024-04-01,,,,1a2b3c4d
            \(P(3)),2009,1,X,Oost,,,2024-02-02,\(P(11)),,1a2b3c4d
            \(P(4)),2024,6,V,Oost,,,,\(P(12)),,1a2b3c4d

            """)
        _ = try ws.ingest()
        let versions = try Self.rows(ws)
        #expect(versions.count == 5)
        #expect(versions.contains("\(P(1)) 2012 5 V Zuilen - - - aaab aaac 2024-05-31 2024-06-30"))
        #expect(versions.contains("\(P(1)) 2012 5 V Zuilen - 2024-06-15 - aaab aaac 2024-06-30 -"))
        #expect(versions.contains("\(P(2)) 2015 - M - 2016-02-03 2024-04-01 - - - 2024-05-31 -"))
        // Parents are persons like any other: one id each, shared with the other sources.
        #expect(try ws.open().scalarInt("SELECT count(*) FROM person") == 6)
    }

    @Test func refusesRawCitizenNumbers() throws {
        let ws = try Workspace(population: true)
        try ws.deliver("bevolking_2024-06-30.csv", "bsn,birth_year\n123456782,2012\n")
        let report = try ws.ingest()
        #expect(report.files.first?.status == .rejected)
        #expect(report.files.first?.rejection?.reason == .citizenNumber)
        try ws.deliver("bevolking_2024-07-31.csv", (["pseudo_id,birth_year,parent1_pseudo_id"]
            + (1...10).map { "\(P($0)),2012,\(["123456782", "111222333", "192837465"][$0 % 3])" }).joined(separator: "\n") + "\n")
        let second = try ws.ingest()
        #expect(second.files.last?.rejection?.reason == .citizenNumber)
    }

    @Test func erasureRemovesTheRowAndEveryRowNamingThePersonAsParent() throws {
        let ws = try Workspace(population: true)
        try ws.deliver("bevolking_2024-06-30.csv", """
            \(Self.header)
            \(P(1)),2012,5,V,Zuilen,,,,\(P(11)),\(P(12)),1a2b3c4d
            \(P(2)),2015,,M,,,,,\(P(12)),\(P(11)),1a2b3c4d
            \(P(3)),2009,1,X,Oost,,,,\(P(13)),,1a2b3c4d
            \(P(11)),2007,3,V,Oost,,,,,,1a2b3c4d

            """)
        _ = try ws.ingest()
        let summary = try Erasure(db: try ws.open(), output: ws.output).erase(pseudonym: P(11))
        #expect(summary.removed.first { $0.table == "stg_population" }?.rows == 3)
        #expect(try Self.rows(ws).map { String($0.prefix(64)) } == [P(3)])
        // Later rows naming the erased person, as a child or as a parent, are dropped as erased.
        try ws.deliver("bevolking_2024-07-31.csv", """
            \(Self.header)
            \(P(3)),2009,1,X,Oost,,,,\(P(13)),,1a2b3c4d
            \(P(4)),2010,1,X,Oost,,,,,\(P(11)),1a2b3c4d
            \(P(5)),2010,1,X,Oost,,,,,,1a2b3c4d
            \(P(6)),2010,1,X,Oost,,,,,,1a2b3c4d
            \(P(7)),2010,1,X,Oost,,,,,,1a2b3c4d
            \(P(11)),2007,3,V,Oost,,,,,,1a2b3c4d

            """)
        let report = try ws.ingest()
        #expect(report.files.last.map { [$0.status == .loaded ? 1 : 0, $0.accepted, $0.quarantined] } == [1, 4, 2])
    }
}
