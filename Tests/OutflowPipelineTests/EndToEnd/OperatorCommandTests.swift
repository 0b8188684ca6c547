// The operator's commands as processes of the real binary: what `run`, `retry` and `status`
// print on stdout and stderr and the exit status they end with; every exit-65 message one
// line, even for a file or column name holding a line break or bytes that are not UTF-8.

import Foundation
import Testing
import OutflowCore
import OutflowTestSupport

struct OperatorCommandTests {
    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    @Test func runNamesUnresolvedRefusalsAndSaysWhenNothingChanged() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        let first = try Binary.run(["run", ws.pipelinePath])
        #expect(first.status == 0 && Self.lines(first.stderr).count == 1 && first.stderr.hasPrefix("published "))
        let idle = try Binary.run(["run", ws.pipelinePath])
        let runId = try FileManager.default.destinationOfSymbolicLink(atPath: ws.output + "/latest")
        #expect(idle.status == 0 && idle.stderr == "no new deliveries; latest unchanged (run \(runId))\n" && idle.stdout.isEmpty)
        let forced = try Binary.run(["run", ws.pipelinePath, "--force"])
        #expect(forced.status == 0 && forced.stderr.hasPrefix("published "))

        try OperatorTests.truncated(ws)
        let refused = try Binary.run(["run", ws.pipelinePath])
        #expect(refused.status == 65 && Self.lines(refused.stderr).count == 1)
        let warned = try Binary.run(["run", ws.pipelinePath])
        let lines = Self.lines(warned.stderr)
        #expect(warned.status == 0 && lines.count == 2, "\(warned.stderr)")
        #expect(lines.first?.contains(" WARN ingest unresolved refusal since ") == true && lines.first?.contains("beschikkingen_2025-04-30.csv") == true)
        #expect(lines.last?.hasPrefix("published ") == true)
        let idleWarned = try Binary.run(["run", ws.pipelinePath])
        #expect(Self.lines(idleWarned.stderr).count == 2 && idleWarned.stderr.contains("no new deliveries; latest unchanged"))
    }

    @Test func retryRecordsTheUserAndKeepsTheExitStatus() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        #expect(try Binary.run(["run", ws.pipelinePath]).status == 0)
        try OperatorTests.truncated(ws)
        #expect(try Binary.run(["run", ws.pipelinePath]).status == 65)
        let again = try Binary.run(["retry", ws.pipelinePath, "beschikkingen_2025-04-30.csv"], environment: ["USER": "anna"])
        #expect(again.status == 65 && Self.lines(again.stderr).count == 1 && again.stderr.hasPrefix("outflow retry: retry: refused again: "))
        let badReason = try Binary.run(["retry", ws.pipelinePath, "beschikkingen_2025-04-30.csv", "--accept", "no_header"])
        #expect(badReason.status == 64 && badReason.stderr.contains("option '--accept': 'no_header' cannot be accepted (truncated_snapshot, too_many_rejects, column_dropped)"))
        let accepted = try Binary.run(["retry", ws.pipelinePath, ws.inbox + "/beschikkingen_2025-04-30.csv", "--accept", "truncated_snapshot"],
                                      environment: ["USER": "anna"])
        #expect(accepted.status == 0 && accepted.stdout.isEmpty, "\(accepted.stderr)")
        #expect(accepted.stderr.hasPrefix("retry: beschikkingen_2025-04-30.csv loaded (decisions): ") && accepted.stderr.contains("accepted as truncated_snapshot by anna"))
        let db = try ws.open()
        #expect(try db.query("SELECT user_name, outcome FROM retry_log ORDER BY retry_id") { "\($0.string(0)) \($0.string(1))" } == ["anna rejected", "anna loaded"])
        let missing = try Binary.run(["retry", ws.pipelinePath, "beschikkingen_1999-01-01.csv"])
        #expect(missing.status == 64 && missing.stderr.contains("no such file"))
    }

    @Test func statusExitsOneWhenSomethingNeedsAttention() throws {
        let ws = try Workspace()
        let fresh = try Binary.run(["status", ws.pipelinePath])
        #expect(fresh.status == 1)
        #expect(fresh.stdout.contains("database: \(ws.database) does not exist yet") && fresh.stdout.hasSuffix("status: needs attention: no database yet\n"))
        #expect(fresh.stderr == "outflow status: needs attention: no database yet\n")
        #expect(!FileManager.default.fileExists(atPath: ws.database))
        try ws.deliverSmallInbox()
        #expect(try Binary.run(["run", ws.pipelinePath]).status == 0)
        let ok = try Binary.run(["status", ws.pipelinePath])
        #expect(ok.status == 0 && ok.stderr.isEmpty && ok.stdout.hasSuffix("status: ok\n"), "\(ok.stdout)")
        try OperatorTests.truncated(ws)
        _ = try Binary.run(["run", ws.pipelinePath])
        let attention = try Binary.run(["status", ws.pipelinePath])
        #expect(attention.status == 1 && attention.stdout.contains("unresolved refusals: 1"))
        #expect(attention.stderr == "outflow status: needs attention: last run failed with exit 65; 1 unresolved refusal\n")
    }

    @Test func aDuplicateIsNamedInTheVerboseLog() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        #expect(try Binary.run(["run", ws.pipelinePath]).status == 0)
        let bytes = try String(contentsOfFile: ws.inbox + "/gezinsrelaties_2025-03-31.csv", encoding: .utf8)
        try ws.deliver("gezinsrelaties_2025-03-31_kopie.csv", bytes)
        let run = try Binary.run(["run", ws.pipelinePath, "--verbose"])
        #expect(run.status == 0)
        #expect(run.stderr.contains(" INFO ingest gezinsrelaties_2025-03-31_kopie.csv: duplicate_of gezinsrelaties_2025-03-31.csv: the same bytes were delivered as gezinsrelaties_2025-03-31.csv; not read again"))
    }

    @Test func everyRefusalIsOneLineWhateverTheNamesHold() throws {
        let ws = try Workspace()
        try ws.deliverSmallInbox()
        #expect(try Binary.run(["run", ws.pipelinePath]).status == 0)
        // A quoted header name holding a line break, appearing twice.
        let header = Workspace.decisionHeader + ",\"toe\nlichting\",\"TOE\nlichting\""
        try ws.deliver("beschikkingen_2025-04-30.csv", header + "\n" + P(1) + ",D1,2024-01-01,2024-01-01,,45,,,0344,,1a2b3c4d,,\n")
        let column = try Binary.run(["run", ws.pipelinePath])
        #expect(column.status == 65)
        #expect(column.stderr == "outflow run: refused delivery beschikkingen_2025-04-30.csv: row 1: column 'TOE\\nlichting' appears twice in the header [duplicate_column]\n")
        // A file name with a line break in it.
        try ws.remove("beschikkingen_2025-04-30.csv")
        try ws.deliver("beschikkingen_2025-05-31\n.csv", Workspace.decisionHeader + "\n")
        let name = try Binary.run(["run", ws.pipelinePath])
        #expect(name.status == 65 && name.stderr == "outflow run: refused delivery beschikkingen_2025-05-31\\n.csv: the file has no data rows [no_rows]\n")
        try ws.remove("beschikkingen_2025-05-31\n.csv")
        // A file name that is not UTF-8: refused once (exit 65), then the runs go on.
        let raw = Array((ws.inbox + "/gezinsrelaties_2025-06-30").utf8) + [0xFF] + Array(".csv".utf8) + [0]
        let fd = raw.withUnsafeBufferPointer { bytes in bytes.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) } }
        let content = Array("parent_pseudo_id,child_pseudo_id\n".utf8)
        #expect(write(fd, content, content.count) == content.count)
        close(fd)
        let invalid = try Binary.run(["run", ws.pipelinePath])
        #expect(invalid.status == 65 && Self.lines(invalid.stderr).count == 1, "\(invalid.stderr)")
        #expect(invalid.stderr.hasPrefix("outflow run: refused delivery gezinsrelaties_2025-06-30\u{FFFD}.csv: the file name is not valid UTF-8"))
        let after = try Binary.run(["run", ws.pipelinePath])
        #expect(after.status == 0, "\(after.stderr)")
        // validate judges it as a run would (a program receives the name with U+FFFD).
        let validate = try Binary.run(["validate", ws.pipelinePath, ws.inbox + "/gezinsrelaties_2025-06-30\u{FFFD}.csv", "--source", "family"])
        #expect(validate.status == 65)
        #expect(validate.stdout.hasSuffix("verdict: refused: gezinsrelaties_2025-06-30\u{FFFD}.csv: the file name is not valid UTF-8 (shown with U+FFFD for the bytes that are not); rename the file with a UTF-8 name and it is read under that name [bad_file_name]\n"))
    }

    @Test func pipelineAndGeneratorMistakesPointTheRightWay() throws {
        let ws = try Workspace()
        try "{\n  \"name\": \"x\"\n  \"database\": \"db\"\n}\n".write(toFile: ws.pipelinePath, atomically: true, encoding: .utf8)
        let json = try Binary.run(["run", ws.pipelinePath])
        #expect(json.status == 65)
        #expect(json.stderr == "outflow run: pipeline file \(ws.pipelinePath): not valid JSON at line 3, column 3: expected ',' or '}', found '\"'\n")
        let generate = try Binary.run(["generate", "--out", ws.root + "/gen", "--persons", "10", "--bad-rows", "5"])
        #expect(generate.status == 64)
        #expect(generate.stderr.hasPrefix("Error: option '--bad-rows': must be between 0 and --persons / 10 (1)\n"), "\(generate.stderr)")
        #expect(!generate.stderr.contains("badRows"))
    }
}
