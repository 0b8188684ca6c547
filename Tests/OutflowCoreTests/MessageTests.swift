// Messages that point the right way: invalid JSON named by line and column, a missing
// instrument file named with the key that names it, logRetentionDays, and messages kept on
// one line whatever the file and column names hold.

import Foundation
import Testing
import OutflowCore
import OutflowTestSupport

struct MessageTests {
    @Test(arguments: [
        ("{\n  \"a\": 1,\n  \"b\": [1, 2,, 3]\n}", "line 3, column 14: expected a value"),
        ("{\n  \"a\": 1\n  \"b\": 2\n}", "line 3, column 3: expected ',' or '}', found '\"'"),
        ("{ \"a\": \"open\n}", "line 1, column 13: a string must not hold a control character or line break"),
        ("{ \"a\": 01 }", "line 1, column 9: a number must not start with 0"),
        ("{ \"a\": tru }", "line 1, column 8: expected a value"),
        ("{ \"a\": 1 } x", "line 1, column 12: text after the end of the JSON value"),
        ("{ \"a\": [1, 2 }", "line 1, column 14: expected ',' or ']'"),
        ("{ \"é\": 1, \"b\" 2 }", "line 1, column 15: expected ':' after the key"),
    ])
    func invalidJSONIsNamedByLineAndColumn(text: String, expected: String) throws {
        let ws = try Workspace()
        try text.write(toFile: ws.pipelinePath, atomically: true, encoding: .utf8)
        let error = try #require(throws: OutflowError.self) { try ws.config() }
        #expect(error.status == .dataError)
        #expect(error.message.hasPrefix("pipeline file \(ws.pipelinePath): not valid JSON at \(expected)"), "\(error.message)")
    }

    @Test func validJSONHasNoSyntaxError() throws {
        let text = #"{"a": [1, -2.5e3, true, false, null, "x\"\u00e9"], "b": {}, "c": []}"#
        #expect(JSONSyntax.firstError(in: Array(text.utf8)) == nil)
    }

    @Test func aMissingInstrumentIsNamedWithItsKey() throws {
        let ws = try Workspace()
        try FileManager.default.removeItem(atPath: ws.root + "/instrument.json")
        let error = try #require(throws: OutflowError.self) { try ws.config() }
        #expect(error.status == .dataError)
        #expect(error.message == "instrument file \(ws.root)/instrument.json named by sources.questionnaire.instrument in pipeline file \(ws.pipelinePath): no such file")
    }

    @Test func aBrokenInstrumentIsNamedWithItsKey() throws {
        let ws = try Workspace()
        try "{ \"name\": \"x\", \"items\": [ }".write(toFile: ws.root + "/instrument.json", atomically: true, encoding: .utf8)
        let error = try #require(throws: OutflowError.self) { try ws.config() }
        #expect(error.message.hasPrefix("instrument file \(ws.root)/instrument.json named by sources.questionnaire.instrument"))
        #expect(error.message.hasSuffix("not valid JSON at line 1, column 27: expected a value (an object, list, string, number, true, false or null), found '}'"))
    }

    @Test func logRetentionDaysDefaultsTo90AndMustBePositive() throws {
        #expect(try Workspace().config().logRetentionDays == 90)
        #expect(try Workspace(extra: ", \"logRetentionDays\": 14").config().logRetentionDays == 14)
        let error = try #require(throws: OutflowError.self) { try Workspace(extra: ", \"logRetentionDays\": 0").config() }
        #expect(error.message.contains("'logRetentionDays' must be at least 1"))
    }

    @Test func messagesStayOnOneLine() {
        #expect(OneLine.escape("plain: ok") == "plain: ok")
        #expect(OneLine.escape("a\nb\r\nc\td\u{1b}e\u{2028}f") == "a\\nb\\r\\nc\\td\\u{1b}e\\u{2028}f")
        let rejection = FileRejection(file: "beschikkingen\n.csv", row: 1, reason: .duplicateColumn, detail: "column 'end\r\ndate' appears twice")
        #expect(rejection.description == "beschikkingen\\n.csv: row 1: column 'end\\r\\ndate' appears twice [duplicate_column]")
    }
}
