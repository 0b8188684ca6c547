// `csv.dialect: "nl"`: the analyst CSV files and restricted/exact/ are written for Dutch
// Excel (`;`, decimal comma, a UTF-8 BOM) with the same figures as the default dialect, and
// reruns stay byte-identical; report.xlsx is the same whichever dialect the CSVs use.

import Foundation
import Testing
import OutflowCore
import OutflowTestSupport

struct CSVDialectTests {
    @Test func dutchDialectWritesTheSameFiguresForDutchExcel() throws {
        let plain = try Workspace()
        try plain.deliverSmallInbox()
        _ = try plain.job()
        let dutch = try Workspace(extra: ", \"csv\": { \"dialect\": \"nl\" }")
        try dutch.deliverSmallInbox()
        let first = try dutch.job()
        #expect(try dutch.config().csvDialect == .nl)
        #expect(try plain.config().csvDialect == .rfc4180)

        for name in ["outflow.csv", "restricted/exact/outflow.csv", "response.csv"] {
            // Raw bytes: Foundation's String(contentsOfFile:) would drop the BOM.
            let rfc = String(decoding: try #require(FileManager.default.contents(atPath: plain.output + "/latest/" + name)), as: UTF8.self)
            let nl = String(decoding: try #require(FileManager.default.contents(atPath: dutch.output + "/latest/" + name)), as: UTF8.self)
            #expect(!rfc.hasPrefix("\u{FEFF}"))
            #expect(Array(nl.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF], "\(name): BOM")
            // These tables hold no quoted field: the same fields, `;` between them, decimal comma.
            let rfcRows = rfc.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let nlRows = nl.dropFirst().split(separator: "\n").map { $0.split(separator: ";", omittingEmptySubsequences: false).map(String.init) }
            #expect(nlRows == rfcRows.map { $0.map { String($0.map { $0 == "." ? "," : $0 }) } }, "\(name)")
            #expect(rfc.contains("."), "\(name) has decimals to convert")
        }
        #expect(try dutch.read("attrition.csv").contains(";role is one of jongere, opvoeder;"))
        #expect(FileManager.default.contents(atPath: plain.output + "/latest/report.xlsx")
                == FileManager.default.contents(atPath: dutch.output + "/latest/report.xlsx"))

        let second = try dutch.job()
        for name in JobTests.analystFiles {
            #expect(FileManager.default.contents(atPath: first.folder! + "/" + name) == FileManager.default.contents(atPath: second.folder! + "/" + name))
        }
    }

    @Test(arguments: [
        (", \"csv\": { \"dialect\": \"excel\" }", "'csv.dialect' must be \"rfc4180\" or \"nl\""),
        (", \"csv\": { \"delimiter\": \";\" }", "unknown key 'csv.delimiter'"),
        (", \"csv\": \"nl\"", "'csv' must be an object"),
    ])
    func refusesABadCSVBlock(extra: String, message: String) throws {
        let ws = try Workspace(extra: extra)
        let error = try #require(throws: OutflowError.self) { try ws.config() }
        #expect(error.status == .dataError)
        #expect(error.message.contains(message))
    }
}
