// The data steward's commands as processes: `validate` listing every file error and finding
// the source from the name; `pseudonymise` leaving an empty optional citizen number empty.

import Foundation
import Testing
import OutflowCore
import OutflowStorage
import OutflowIngest
import OutflowPipeline
import OutflowTestSupport

struct StewardCommandTests {
    static let key = "a steward's test key of at least 32 bytes\n"
    static let number = "111222333"

    @Test func validateListsEveryFileErrorAndFindsTheSourceFromTheName() throws {
        let ws = try Workspace()
        let file = ws.root + "/registraties_zonder_datum.csv"
        try "pseudo_id,group_id,bsn,role\n\(P(1)),G1,111222333,jongere\n".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try Binary.run(["validate", ws.pipelinePath, file])
        #expect(result.status == 65)
        #expect(result.stdout.contains("source: registrations (its pattern registraties_*.csv matches the name)"))
        for reason in ["no_extraction_date", "citizen_number: row 1: column 'bsn'", "missing_column: row 1: required column 'group_type'",
                       "missing_column: row 1: required column 'start_date'"] {
            #expect(result.stdout.contains("  " + reason), "\(reason)")
        }
        #expect(result.stdout.contains("verdict: refused (5 file errors)"))
        #expect(!result.stdout.contains("111222333"))

        let unmatched = ws.root + "/export.csv"
        try "a,b\n1,2\n".write(toFile: unmatched, atomically: true, encoding: .utf8)
        let none = try Binary.run(["validate", ws.pipelinePath, unmatched])
        #expect(none.status == 64)
        #expect(none.stderr.contains("export.csv matches no source's file pattern") && none.stderr.contains("decisions beschikkingen_*.csv"))
        #expect(none.stderr.contains("--source"))
        let given = try Binary.run(["validate", ws.pipelinePath, unmatched, "--source", "family"])
        #expect(given.status == 65 && given.stdout.contains("source: family\n"))
    }

    @Test func pseudonymiseLeavesAnEmptyOptionalNumberEmpty() throws {
        let ws = try Workspace()
        let keyFile = ws.root + "/key"
        try Self.key.write(toFile: keyFile, atomically: true, encoding: .utf8)
        try "bsn,parent_bsn,wijk\n111222333,,Zuid\n,123456782,Oost\n123456782,111222333,West\n".write(toFile: ws.root + "/in.csv", atomically: true, encoding: .utf8)
        let result = try Binary.run(["pseudonymise", "--key-file", keyFile, "--column", "bsn", "--column", "parent_bsn", ws.root + "/in.csv", ws.root + "/out.csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("pseudonymised 2 of 3 rows") && result.stderr.contains("1 rejected")
                && result.stderr.contains("1 empty values of optional columns left empty"))
        let lines = try String(contentsOfFile: ws.root + "/out.csv", encoding: .utf8).split(separator: "\n")
        let pseudonymiser = try Pseudonymiser(keyFile: keyFile)
        #expect(lines[1] == "\(pseudonymiser.pseudonym(ofValidNumber: "111222333")),,Zuid,\(pseudonymiser.keyId)")
        #expect(try String(contentsOfFile: ws.root + "/out.rejects.csv", encoding: .utf8) == "row,column,reason\n3,bsn,missing_value\n")
    }
}
