// `outflow pseudonymise`: keyed pseudonyms that match HMAC-SHA256 of the zero-padded BSN,
// renamed columns and a key id, rejects with row and reason but never the number.

import Foundation
import Testing
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowTestSupport

struct PseudonymiserTests {
    static let key = Array("an example key of at least 32 bytes!".utf8)

    @Test func replacesNumbersRenamesColumnsAndAddsKeyId() throws {
        let dir = NSTemporaryDirectory() + "pseudo-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "bsn;parent_bsn;wijk\n111222333;123456782;Zuid\n12345672;999999990;Oost\n123456789;111222333;West\n;111222333;Noord\n"
            .write(toFile: dir + "/in.csv", atomically: true, encoding: .utf8)
        let pseudonymiser = Pseudonymiser(key: Self.key)
        let summary = try pseudonymiser.run(input: dir + "/in.csv", output: dir + "/out.csv", columns: ["bsn", "parent_bsn"])
        #expect(summary.rows == 4 && summary.written == 2 && summary.rejected == 2)
        let out = try String(contentsOfFile: dir + "/out.csv", encoding: .utf8).split(separator: "\n")
        #expect(out[0] == "pseudo_id;parent_pseudo_id;wijk;key_id")
        let expected = Hex.encode(HMACSHA256.authenticate(message: Array("111222333".utf8), key: Self.key))
        #expect(out[1].hasPrefix(expected + ";"))
        // 12345672 is zero-padded to 012345672 before hashing.
        #expect(out[2].hasPrefix(Hex.encode(HMACSHA256.authenticate(message: Array("012345672".utf8), key: Self.key))))
        #expect(out[1].hasSuffix(";" + PseudonymKey.keyId(of: Self.key)))
        let rejects = try String(contentsOfFile: dir + "/out.rejects.csv", encoding: .utf8)
        #expect(rejects == "row,column,reason\n4,bsn,elfproef_failed\n5,bsn,missing_value\n")
        for number in ["111222333", "123456782", "12345672", "999999990", "123456789"] {
            #expect(!out.joined().contains(number) && !rejects.contains(number))
        }
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/out.csv")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func refusesShortKeyFiles() throws {
        let path = NSTemporaryDirectory() + "short-key-" + UUID().uuidString
        try "too short\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: OutflowError.self) { try Pseudonymiser(keyFile: path) }
        #expect(error.message.contains("at least 32 are required"))
    }

    @Test func anEmptyOptionalNumberStaysEmptyAndAnEmptyBsnIsStillRejected() throws {
        let dir = NSTemporaryDirectory() + "pseudo-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "BSN;Parent_BSN\n111222333; \n;123456782\n".write(toFile: dir + "/in.csv", atomically: true, encoding: .utf8)
        let summary = try Pseudonymiser(key: Self.key).run(input: dir + "/in.csv", output: dir + "/out.csv", columns: ["bsn", "parent_bsn"])
        #expect(summary.written == 1 && summary.rejected == 1 && summary.emptyOptional == 1)
        let out = try String(contentsOfFile: dir + "/out.csv", encoding: .utf8).split(separator: "\n")
        #expect(out[1] == Hex.encode(HMACSHA256.authenticate(message: Array("111222333".utf8), key: Self.key)) + ";;" + PseudonymKey.keyId(of: Self.key))
        #expect(try String(contentsOfFile: dir + "/out.rejects.csv", encoding: .utf8) == "row,column,reason\n3,BSN,missing_value\n")
        #expect(Pseudonymiser.isRequired("Bsn") && !Pseudonymiser.isRequired("parent_bsn"))
    }

    @Test func readsOneCitizenNumberFromAFileAndNeverRepeatsIt() throws {
        let path = NSTemporaryDirectory() + "bsn-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: path) }
        let pseudonymiser = Pseudonymiser(key: Self.key)
        let expected = Hex.encode(HMACSHA256.authenticate(message: Array("012345672".utf8), key: Self.key))
        for content in ["12345672", "\u{FEFF} 012345672 \r\n"] {
            try content.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(try pseudonymiser.pseudonym(ofNumberInFile: path) == expected)
        }
        for (content, words) in [("123456789\n", "fails the elfproef"), ("", "is empty"), ("12345672\n111222333\n", "more than one line"),
                                 ("1234567890", "1 to 9 digits")] {
            try content.write(toFile: path, atomically: true, encoding: .utf8)
            let error = try #require(throws: OutflowError.self) { try pseudonymiser.pseudonym(ofNumberInFile: path) }
            #expect(error.status == .dataError && error.message.contains(words), "\(error.message)")
            #expect(!error.message.contains("123456789") && !error.message.contains("111222333") && !error.message.contains("12345672"))
        }
        let missing = try #require(throws: OutflowError.self) { try pseudonymiser.pseudonym(ofNumberInFile: path + "-missing") }
        #expect(missing.status == .usage)
    }
}
