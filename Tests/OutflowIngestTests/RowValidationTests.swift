// Every row rule of every source: one bad row among good ones is quarantined with its
// reason code and column, the rest loads, and read = accepted + quarantined.

import Foundation
import Testing
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowTestSupport

struct RowValidationTests {
    struct Scenario: CustomStringConvertible, Sendable {
        let name: String
        let file: String
        let header: String
        let good: @Sendable (Int) -> String
        let bad: String
        let reason: String
        let column: String?
        var description: String { name }
    }

    static let registrationHeader = "pseudo_id,group_id,group_type,organisation,role,start_date,end_date,end_reason,birth_year,district,key_id"
    static let registration: @Sendable (Int) -> String = { "\(P($0)),G\($0),opvoedgroep,Buurtteam,opvoeder,2024-01-0\($0 % 9 + 1),2024-03-01,afgerond,1985,Zuilen,1a2b3c4d" }
    static let decisionHeader = Workspace.decisionHeader
    static let decision: @Sendable (Int) -> String = { "\(P($0)),D\($0),2024-04-01,2024-04-10,2024-10-01,45,45A48,12345678,0344,,1a2b3c4d" }
    static let familyHeader = "parent_pseudo_id,child_pseudo_id,child_birth_year,key_id"
    static let family: @Sendable (Int) -> String = { "\(P($0)),\(P(1000 + $0)),2012,1a2b3c4d" }
    static let questionnaireHeader = "pseudo_id,group_id,role,wave,completed_on,at_ease,can_move_on,contact_outside,learned_useful,family_learned,key_id"
    static let questionnaire: @Sendable (Int) -> String = { "\(P($0)),G1,opvoeder,1,2024-03-05,5,mee eens,,,4,1a2b3c4d" }

    static let populationHeader = Workspace.populationHeader
    static let population: @Sendable (Int) -> String = { "\(P($0)),2012,\($0 % 12 + 1),V,Zuilen,,,,\(P(500 + $0)),,1a2b3c4d" }

    static let scenarios: [Scenario] = [
        Scenario(name: "impossible date", file: "registraties_2024-06-30.csv", header: registrationHeader, good: registration,
                 bad: "\(P(99)),G1,opvoedgroep,Buurtteam,opvoeder,31-02-2024,,,,,", reason: "bad_date", column: "start_date"),
        Scenario(name: "date in another format", file: "registraties_2024-06-30.csv", header: registrationHeader, good: registration,
                 bad: "\(P(99)),G1,opvoedgroep,Buurtteam,opvoeder,2024/01/05,,,,,", reason: "bad_date", column: "start_date"),
        Scenario(name: "missing organisation", file: "registraties_2024-06-30.csv", header: registrationHeader, good: registration,
                 bad: "\(P(99)),G1,opvoedgroep,NULL,opvoeder,2024-01-05,,,,,", reason: "missing_value", column: "organisation"),
        Scenario(name: "unknown group type", file: "registraties_2024-06-30.csv", header: registrationHeader, good: registration,
                 bad: "\(P(99)),G1,yoga,Buurtteam,opvoeder,2024-01-05,,,,,", reason: "bad_code", column: "group_type"),
        Scenario(name: "unknown role", file: "registraties_2024-06-30.csv", header: registrationHeader, good: registration,
                 bad: "\(P(99)),G1,opvoedgroep,Buurtteam,ouder,2024-01-05,,,,,", reason: "bad_code", column: "role"),
        Scenario(name: "short pseudonym", file: "registraties_2024-06-30.csv", header: registrationHeader, good: registration,
                 bad: "\(P(99).dropLast()),G1,opvoedgroep,Buurtteam,opvoeder,2024-01-05,,,,,", reason: "bad_pseudonym", column: "pseudo_id"),
        Scenario(name: "uppercase pseudonym", file: "registraties_2024-06-30.csv", header: registrationHeader, good: registration,
                 bad: "\(P(99).uppercased()),G1,opvoedgroep,Buurtteam,opvoeder,2024-01-05,,,,,", reason: "bad_pseudonym", column: "pseudo_id"),
        Scenario(name: "end before start", file: "registraties_2024-06-30.csv", header: registrationHeader, good: registration,
                 bad: "\(P(99)),G1,opvoedgroep,Buurtteam,opvoeder,2024-01-05,2024-01-04,,,,", reason: "out_of_range", column: "end_date"),
        Scenario(name: "unknown end reason", file: "registraties_2024-06-30.csv", header: registrationHeader, good: registration,
                 bad: "\(P(99)),G1,opvoedgroep,Buurtteam,opvoeder,2024-01-05,2024-02-04,klaar,,,", reason: "bad_code", column: "end_reason"),
        Scenario(name: "implausible birth year", file: "registraties_2024-06-30.csv", header: registrationHeader, good: registration,
                 bad: "\(P(99)),G1,opvoedgroep,Buurtteam,opvoeder,2024-01-05,,,1920,,", reason: "out_of_range", column: "birth_year"),
        Scenario(name: "birth year after extraction", file: "registraties_2024-06-30.csv", header: registrationHeader, good: registration,
                 bad: "\(P(99)),G1,opvoedgroep,Buurtteam,jongere,2024-01-05,,,2025,,", reason: "out_of_range", column: "birth_year"),
        Scenario(name: "birth year not a number", file: "registraties_2024-06-30.csv", header: registrationHeader, good: registration,
                 bad: "\(P(99)),G1,opvoedgroep,Buurtteam,opvoeder,2024-01-05,,,19x5,,", reason: "bad_number", column: "birth_year"),
        Scenario(name: "group id too long", file: "registraties_2024-06-30.csv", header: registrationHeader, good: registration,
                 bad: "\(P(99)),\(String(repeating: "G", count: 65)),opvoedgroep,Buurtteam,opvoeder,2024-01-05,,,,,", reason: "out_of_range", column: "group_id"),
        Scenario(name: "too many fields", file: "registraties_2024-06-30.csv", header: registrationHeader, good: registration,
                 bad: "\(P(99)),G1,opvoedgroep,Buurtteam,opvoeder,2024-01-05,,,,,,extra", reason: "field_count", column: nil),
        Scenario(name: "too few fields", file: "registraties_2024-06-30.csv", header: registrationHeader, good: registration,
                 bad: "\(P(99)),G1,opvoedgroep", reason: "field_count", column: nil),
        Scenario(name: "duplicate registration key", file: "registraties_2024-06-30.csv", header: registrationHeader, good: registration,
                 bad: registration(3), reason: "duplicate_key", column: "pseudo_id"),
        Scenario(name: "malformed key id", file: "registraties_2024-06-30.csv", header: registrationHeader, good: registration,
                 bad: "\(P(99)),G1,opvoedgroep,Buurtteam,opvoeder,2024-01-05,,,,,XYZ", reason: "bad_key_id", column: "key_id"),
        Scenario(name: "unknown product category", file: "beschikkingen_2024-06-30.csv", header: decisionHeader, good: decision,
                 bad: "\(P(99)),D99,2024-04-01,2024-04-10,,99,,,0344,,", reason: "bad_code", column: "product_category"),
        Scenario(name: "one-digit product category", file: "beschikkingen_2024-06-30.csv", header: decisionHeader, good: decision,
                 bad: "\(P(99)),D99,2024-04-01,2024-04-10,,5,,,0344,,", reason: "bad_code", column: "product_category"),
        Scenario(name: "municipality not 4 digits", file: "beschikkingen_2024-06-30.csv", header: decisionHeader, good: decision,
                 bad: "\(P(99)),D99,2024-04-01,2024-04-10,,45,,,344,,", reason: "bad_code", column: "municipality"),
        Scenario(name: "change reason not 2 digits", file: "beschikkingen_2024-06-30.csv", header: decisionHeader, good: decision,
                 bad: "\(P(99)),D99,2024-04-01,2024-04-10,,45,,,0344,4,", reason: "bad_code", column: "change_reason"),
        Scenario(name: "decision ends before start", file: "beschikkingen_2024-06-30.csv", header: decisionHeader, good: decision,
                 bad: "\(P(99)),D99,2024-04-01,2024-04-10,2024-04-09,45,,,0344,,", reason: "out_of_range", column: "end_date"),
        Scenario(name: "missing decision date", file: "beschikkingen_2024-06-30.csv", header: decisionHeader, good: decision,
                 bad: "\(P(99)),D99,,2024-04-10,,45,,,0344,,", reason: "missing_value", column: "decision_date"),
        Scenario(name: "duplicate decision id", file: "beschikkingen_2024-06-30.csv", header: decisionHeader, good: decision,
                 bad: "\(P(98)),D4,2024-04-01,2024-04-10,,45,,,0344,,", reason: "duplicate_key", column: "decision_id"),
        Scenario(name: "parent is own child", file: "gezinsrelaties_2024-06-30.csv", header: familyHeader, good: family,
                 bad: "\(P(99)),\(P(99)),2012,", reason: "out_of_range", column: "child_pseudo_id"),
        Scenario(name: "duplicate link", file: "gezinsrelaties_2024-06-30.csv", header: familyHeader, good: family,
                 bad: family(2), reason: "duplicate_key", column: "child_pseudo_id"),
        Scenario(name: "wave out of range", file: "ervaringwijzer_2024-06-30.csv", header: questionnaireHeader, good: questionnaire,
                 bad: "\(P(99)),G1,opvoeder,25,2024-03-05,5,,,,,", reason: "out_of_range", column: "wave"),
        Scenario(name: "answer off the scale", file: "ervaringwijzer_2024-06-30.csv", header: questionnaireHeader, good: questionnaire,
                 bad: "\(P(99)),G1,opvoeder,1,2024-03-05,6,,,,,", reason: "out_of_range", column: "at_ease"),
        Scenario(name: "answer not a label", file: "ervaringwijzer_2024-06-30.csv", header: questionnaireHeader, good: questionnaire,
                 bad: "\(P(99)),G1,opvoeder,1,2024-03-05,misschien,,,,,", reason: "bad_code", column: "at_ease"),
        Scenario(name: "item not asked of the role", file: "ervaringwijzer_2024-06-30.csv", header: questionnaireHeader, good: questionnaire,
                 bad: "\(P(99)),G1,opvoeder,1,2024-03-05,5,,,4,,", reason: "out_of_range", column: "learned_useful"),
        Scenario(name: "population: missing birth year", file: "bevolking_2024-06-30.csv", header: populationHeader, good: population,
                 bad: "\(P(99)),,5,V,,,,,,,", reason: "missing_value", column: "birth_year"),
        Scenario(name: "population: born after the extraction year", file: "bevolking_2024-06-30.csv", header: populationHeader, good: population,
                 bad: "\(P(99)),2025,1,V,,,,,,,", reason: "out_of_range", column: "birth_year"),
        Scenario(name: "population: born after the extraction month", file: "bevolking_2024-06-30.csv", header: populationHeader, good: population,
                 bad: "\(P(99)),2024,7,M,,,,,,,", reason: "out_of_range", column: "birth_month"),
        Scenario(name: "population: birth month 13", file: "bevolking_2024-06-30.csv", header: populationHeader, good: population,
                 bad: "\(P(99)),2012,13,M,,,,,,,", reason: "out_of_range", column: "birth_month"),
        Scenario(name: "population: unknown sex", file: "bevolking_2024-06-30.csv", header: populationHeader, good: population,
                 bad: "\(P(99)),2012,3,F,,,,,,,", reason: "bad_code", column: "sex"),
        Scenario(name: "population: left before settling", file: "bevolking_2024-06-30.csv", header: populationHeader, good: population,
                 bad: "\(P(99)),2012,3,x,,2020-01-01,2019-12-31,,,,", reason: "out_of_range", column: "registered_until"),
        Scenario(name: "population: died before settling", file: "bevolking_2024-06-30.csv", header: populationHeader, good: population,
                 bad: "\(P(99)),2012,3,M,,2020-01-01,,2019-06-01,,,", reason: "out_of_range", column: "died"),
        Scenario(name: "population: impossible death date", file: "bevolking_2024-06-30.csv", header: populationHeader, good: population,
                 bad: "\(P(99)),2012,3,M,,,,31-02-2023,,,", reason: "bad_date", column: "died"),
        Scenario(name: "population: bad parent pseudonym", file: "bevolking_2024-06-30.csv", header: populationHeader, good: population,
                 bad: "\(P(99)),2012,3,M,,,,,\(P(1).dropLast()),,", reason: "bad_pseudonym", column: "parent1_pseudo_id"),
        Scenario(name: "population: duplicate person", file: "bevolking_2024-06-30.csv", header: populationHeader, good: population,
                 bad: population(4), reason: "duplicate_key", column: "pseudo_id"),
        Scenario(name: "duplicate questionnaire key", file: "ervaringwijzer_2024-06-30.csv", header: questionnaireHeader, good: questionnaire,
                 bad: questionnaire(5), reason: "duplicate_key", column: "pseudo_id"),
    ]

    @Test(arguments: scenarios)
    func quarantinesBadRowAndLoadsTheRest(_ scenario: Scenario) throws {
        let ws = try Workspace(population: scenario.file.hasPrefix("bevolking"))
        let good = (1...10).map(scenario.good)
        try ws.deliver(scenario.file, ([scenario.header] + good + [scenario.bad]).joined(separator: "\n") + "\n")
        let report = try ws.ingest()
        let file = try #require(report.files.first)
        #expect(file.status == .loaded)
        #expect(file.rowsRead == 11)
        #expect(file.accepted == 10)
        #expect(file.quarantined == 1)
        let db = try ws.open()
        let rows = try db.query("SELECT row_number, column_name, reason FROM quarantine") { ($0.int(0), $0.text(1), $0.string(2)) }
        #expect(rows.count == 1)
        #expect(rows.first?.0 == 12)
        #expect(rows.first?.1 == scenario.column)
        #expect(rows.first?.2 == scenario.reason)
    }

    @Test func acceptsMissingMarkersDutchDatesAndLabels() throws {
        let ws = try Workspace()
        try ws.deliver("registraties_20240630.csv", """
            pseudo_id;group_id;group_type;organisation;role;start_date;end_date;end_reason;birth_year;district
            \(P(1));G1;Opvoedgroep;Buurtteam;Opvoeder;05-01-2024;NULL;n.v.t.;NA;
            \(P(2));G1;opvoedgroep;Buurtteam;jongere;2024-01-05;01-03-2024;AFGEROND;2010;Zuilen
            """)
        let report = try ws.ingest()
        #expect(report.files.map(\.accepted) == [2])
        let db = try ws.open()
        let rows = try db.query("SELECT group_type, role, start_day, end_day, end_reason, birth_year FROM stg_registration ORDER BY person_id") {
            [$0.string(0), String($0.int(1)), Day(julian: $0.int(2)).iso, $0.text(3) ?? "-", $0.text(4) ?? "-", $0.text(5) ?? "-"]
        }
        #expect(rows == [["opvoedgroep", "2", "2024-01-05", "-", "-", "-"],
                         ["opvoedgroep", "1", "2024-01-05", String(Day(parsing: "2024-03-01")!.julian), "1", "2010"]])
    }

    @Test func withholdsCitizenNumbersInQuarantine() {
        #expect(QuarantineWriter.safeRawValue("123456782") == "(withheld: looks like a citizen number)")
        #expect(QuarantineWriter.safeRawValue(" 111222333 ") == "(withheld: looks like a citizen number)")
        #expect(QuarantineWriter.safeRawValue("123456789") == "123456789")
        #expect(QuarantineWriter.safeRawValue("31-02-2024") == "31-02-2024")
        #expect(QuarantineWriter.safeRawValue("2021-05-16") == "2021-05-16")   // digits pass the elfproef, but a date is no number
    }
}

extension RowValidationTests {
    @Test(arguments: [("beschikkingen_2025-03-31.csv", "2025-03-31"), ("registraties_20250331.csv", "2025-03-31"),
                      ("gezinsrelaties_31-03-2025.csv", "2025-03-31"), ("export_v2_2025-02-28_final.csv", "2025-02-28"),
                      ("beschikkingen_latest.csv", "-"), ("beschikkingen_2025-02-30.csv", "-")])
    func readsTheExtractionDateFromTheFileName(name: String, expected: String) {
        #expect((FieldValue.extractionDate(fileName: name)?.iso ?? "-") == expected)
    }
}
