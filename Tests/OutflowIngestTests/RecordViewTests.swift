// The byte-level value checks of the reading thread against what Strings would decide:
// code lists matched ignoring case (ASCII byte by byte, other text through `lowercased()`),
// key ids packed into a word, a pseudonym written back as the hex it was read from, and
// answer labels in any case or spacing.

import Foundation
import Testing
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowSynthetic
import OutflowTestSupport

struct RecordViewTests {
    func index(_ list: CodeList, _ text: String, _ encoding: TextEncoding = .utf8) -> Int? {
        var bytes = Array(text.utf8)
        if encoding == .windows1252 { bytes = text.unicodeScalars.map { UInt8($0.value) } }
        return bytes.withUnsafeBufferPointer { list.index(of: $0, encoding: encoding) }
    }

    @Test func codeListsMatchIgnoringCaseAndAgreeWithLowercased() {
        let list = CodeList(["opvoedgroep", "KOPP-KOV", "Één-ouder", "jongere"])
        #expect(index(list, "opvoedgroep") == 0)
        #expect(index(list, "OpvoedGroep") == 0)
        #expect(index(list, "kopp-kov") == 1)
        #expect(index(list, "ÉÉN-OUDER") == 2)
        #expect(index(list, "één-ouder") == 2)
        #expect(index(list, "één-ouder", .windows1252) == 2)
        #expect(index(list, "JONGERE") == 3)
        #expect(index(list, "jongeren") == nil)
        #expect(index(list, "jonger") == nil)
        #expect(index(list, "") == nil)
        // Every spelling the String way accepts, the byte way accepts, and no other.
        for word in ["Opvoedgroep", "OPVOEDGROEP", "opvoedgroep ", "kopp_kov", "Één-Ouder", "EEN-OUDER", "jongerE"] {
            let expected = list.names.firstIndex { $0.lowercased() == word.lowercased() }
            #expect(index(list, word) == expected, "\(word)")
        }
    }

    @Test func keyIdsPackIntoOneWordAndTheirChangesAreNoted() throws {
        let ws = try Workspace()
        let header = "pseudo_id,decision_id,decision_date,start_date,end_date,product_category,product_code,provider,municipality,change_reason,key_id"
        let rows = (1...6).map { "\(P($0)),D\($0),2024-04-01,2024-04-10,,45,,,0344,,\($0 == 4 ? "0a1b2c3d" : "1a2b3c4d")" }
        try ws.deliver("beschikkingen_2024-06-30.csv", ([header] + rows).joined(separator: "\n") + "\n")
        let outcome = try #require(try ws.ingest().files.first)
        #expect(outcome.status == .rejected)
        #expect(outcome.error?.contains("0a1b2c3d, 1a2b3c4d") == true)
    }

    @Test func pseudonymHexIsWhatWasParsed() throws {
        var random = SeededRandom(seed: 3)
        for _ in 0..<200 {
            let digits = Array("0123456789abcdef")
            let text = String((0..<64).map { _ in digits[random.int(0...15)] })
            #expect(try #require(Pseudonym(hex: text)).hex == text)
        }
        #expect(Pseudonym(hex: P(255))?.hex == P(255))
    }

    @Test func pseudonymParsingAcceptsLowercaseHexOnly() throws {
        // Every byte value in every position of a valid pseudonym: accepted exactly when it
        // is 0-9 or a-f, with that digit's value in its nibble.
        let digits = Array("0123456789abcdef".utf8)
        var random = SeededRandom(seed: 4)
        let base = (0..<64).map { _ in digits[random.int(0...15)] }
        func words(_ bytes: [UInt8]) -> [UInt64] {
            (0..<4).map { w in bytes[(w * 16)..<(w * 16 + 16)].reduce(0) { $0 << 4 | UInt64(digits.firstIndex(of: $1)!) } }
        }
        for position in 0..<64 {
            for byte in UInt8.min...UInt8.max {
                var bytes = base
                bytes[position] = byte
                let parsed = bytes.withUnsafeBufferPointer { Pseudonym(hex: $0) }
                if digits.contains(byte) {
                    let p = try #require(parsed)
                    #expect([p.a, p.b, p.c, p.d] == words(bytes))
                } else {
                    #expect(parsed == nil, "byte \(byte) at \(position)")
                }
            }
        }
        for length in [0, 1, 63, 65, 128] {
            #expect(Array(repeating: UInt8(ascii: "a"), count: length).withUnsafeBufferPointer { Pseudonym(hex: $0) } == nil)
        }
    }

    @Test func answerLabelsMatchInAnyCaseAndSpacing() throws {
        let ws = try Workspace()
        try ws.deliver("ervaringwijzer_2024-06-30.csv", Workspace.questionnaireHeader + """

            \(P(1)),G1,jongere,1,2024-03-01,MEE EENS,Helemaal  Mee  Eens,,neutraal,
            \(P(2)),G1,opvoeder,1,2024-03-02,Niet mee eens,,helemaal niet mee eens,,mee oneens

            """ + (3...9).map { "\(P($0)),G1,opvoeder,1,2024-03-02,,,,,niet MEE eens" }.joined(separator: "\n"))
        let report = try ws.ingest()
        #expect(report.files.first?.accepted == 8 && report.files.first?.quarantined == 1)
        let db = try ws.open()
        #expect(try db.query("SELECT answers FROM stg_questionnaire ORDER BY response_id") { $0.string(0) }
                == ["45.3"] + Array(repeating: "....2", count: 7))
        #expect(try db.query("SELECT column_name, reason, raw_value FROM quarantine") { "\($0.string(0)) \($0.string(1)) \($0.string(2))" }
                == ["family_learned bad_code mee oneens"])
    }
}
