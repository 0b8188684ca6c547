// The data steward's commands as processes: `erase` by pseudonym or by a citizen number read
// from a file (never printed, nor its pseudonym), its dry run and its refusal of a pseudonym
// found nowhere; `validate` listing every file error and finding the source from the name;
// `pseudonymise` leaving an empty optional citizen number empty.

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

    /// A workspace with one decisions delivery under `key`, holding the person with `number`.
    static func workspace() throws -> (ws: Workspace, keyFile: String, pseudonym: String) {
        let ws = try Workspace()
        let keyFile = ws.root + "/key"
        try key.write(toFile: keyFile, atomically: true, encoding: .utf8)
        let pseudonymiser = try Pseudonymiser(keyFile: keyFile)
        let pseudonym = pseudonymiser.pseudonym(ofValidNumber: number)
        let rows = (1...20).map { "\(P($0)),D\($0),2024-04-01,2024-04-10,,45,,,0344,,\(pseudonymiser.keyId)" }
            + ["\(pseudonym),D99,2024-04-01,2024-04-10,,45,,,0344,,\(pseudonymiser.keyId)"]
        try ws.deliver("beschikkingen_2024-06-30.csv", ([Workspace.decisionHeader] + rows).joined(separator: "\n") + "\n")
        _ = try ws.ingest()
        return (ws, keyFile, pseudonym)
    }

    static func personCount(_ ws: Workspace, _ pseudonym: String) throws -> Int? {
        try ws.open().scalarInt("SELECT count(*) FROM person WHERE pseudo_id = ?", [.text(pseudonym)])
    }

    @Test func eraseByACitizenNumberFileNeverPrintsTheNumberOrItsPseudonym() throws {
        let (ws, keyFile, pseudonym) = try Self.workspace()
        let bsnFile = ws.root + "/bsn.txt"
        try (Self.number + "\n").write(toFile: bsnFile, atomically: true, encoding: .utf8)

        let dry = try Binary.run(["erase", ws.pipelinePath, "--bsn-file", bsnFile, "--key-file", keyFile, "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stderr.hasPrefix("dry run: nothing was changed\nwould erase: stg_decision 1, person 1\n"))
        #expect(dry.stderr.contains("inbox: 1 deliveries still hold the person") && dry.stderr.contains("\n  beschikkingen_2024-06-30.csv\n"))
        #expect(try Self.personCount(ws, pseudonym) == 1)

        let real = try Binary.run(["erase", ws.pipelinePath, "--bsn-file", bsnFile, "--key-file", keyFile])
        #expect(real.status == 0, "\(real.stderr)")
        #expect(real.stderr.hasPrefix("erased: stg_decision 1, person 1"))
        #expect(real.stderr.contains("ask the supplier") && real.stderr.contains("erasure list: added"))
        #expect(try Self.personCount(ws, pseudonym) == 0)
        #expect(try ws.open().scalarInt("SELECT count(*) FROM stg_decision") == 20)
        for output in [dry, real] {
            #expect(!(output.stdout + output.stderr).contains(Self.number) && !(output.stdout + output.stderr).contains(pseudonym))
        }
    }

    @Test func eraseRefusesBadNumbersOtherKeysAndUnknownPseudonyms() throws {
        let (ws, keyFile, _) = try Self.workspace()
        let bsnFile = ws.root + "/bsn.txt"
        try "123456789\n".write(toFile: bsnFile, atomically: true, encoding: .utf8)
        let bad = try Binary.run(["erase", ws.pipelinePath, "--bsn-file", bsnFile, "--key-file", keyFile])
        #expect(bad.status == 65 && bad.stderr.contains("fails the elfproef") && !bad.stderr.contains("123456789"))

        try Self.number.write(toFile: bsnFile, atomically: true, encoding: .utf8)
        let otherKey = ws.root + "/other-key"
        try "another key, also at least 32 bytes long".write(toFile: otherKey, atomically: true, encoding: .utf8)
        let wrongKey = try Binary.run(["erase", ws.pipelinePath, "--bsn-file", bsnFile, "--key-file", otherKey])
        #expect(wrongKey.status == 65 && wrongKey.stderr.contains("pseudonymised under key id"))

        let unknown = try Binary.run(["erase", ws.pipelinePath, "--pseudo-id", P(0x999)])
        #expect(unknown.status == 65)
        #expect(unknown.stderr.split(separator: "\n").count == 1 && unknown.stderr.contains("pseudonym not found"))
        #expect(try ws.open().scalarInt("SELECT count(*) FROM erasure") == 0)
        let listed = try Binary.run(["erase", ws.pipelinePath, "--pseudo-id", P(0x999), "--not-yet-delivered"])
        #expect(listed.status == 0 && listed.stderr.contains("erasure list: added"))
        #expect(try ws.open().scalarInt("SELECT count(*) FROM erasure") == 1)

        // Usage: one way to name the person; the key goes with the number file; no number on the command line.
        for arguments in [[String](), ["--bsn-file", bsnFile], ["--pseudo-id", P(1), "--key-file", keyFile], ["--pseudo-id", Self.number]] {
            let usage = try Binary.run(["erase", ws.pipelinePath] + arguments)
            #expect(usage.status == 64, "\(arguments)")
            #expect(!usage.stderr.contains(Self.number))
        }
    }

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
