// Person identity is exact: pseudonyms that the person index's old 128-bit key merged are
// two persons, in the table and through a real load, and row keys that the old duplicate
// check's fingerprint merged are two rows. The colliding inputs are built by inverting the
// old mixing (reproduced here as it was), so the tests show the old scheme would have failed.

import Foundation
import Testing
import OutflowCore
import OutflowCSV
import OutflowStorage
import OutflowIngest
import OutflowSynthetic
import OutflowTestSupport

/// The mixing the person index and the duplicate check used before they compared whole keys.
/// `mix` is a multiply by an odd constant, a xorshift, a multiply by an odd constant and a
/// xorshift, each a bijection of 64-bit words, so `unmix` undoes it step by step.
enum OldMixing {
    static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15

    static func mix(_ x: UInt64, _ k: UInt64) -> UInt64 {
        var h = x &* k
        h ^= h >> 33
        h = h &* golden
        return h ^ (h >> 29)
    }

    static func unmix(_ y: UInt64, _ k: UInt64) -> UInt64 {
        unxorshift(unxorshift(y, 29) &* inverse(golden), 33) &* inverse(k)
    }

    /// x from x ^ (x >> s): each round fixes s more of the top bits.
    static func unxorshift(_ y: UInt64, _ s: UInt64) -> UInt64 {
        var x = y
        for _ in 0..<(64 / s) { x = y ^ (x >> s) }
        return x
    }

    /// The inverse of an odd word modulo 2^64 (Newton's iteration doubles the correct bits).
    static func inverse(_ k: UInt64) -> UInt64 {
        var inverse = k
        for _ in 0..<5 { inverse = inverse &* (2 &- k &* inverse) }
        return inverse
    }

    /// The old person key: words a and c made the high half, b and d the low half.
    static func personKey(_ w: [UInt64]) -> [UInt64] {
        [mix(w[0] ^ mix(w[2], golden), 0xFF51_AFD7_ED55_8CCD), mix(w[1] ^ mix(w[3], 0xC2B2_AE3D_27D4_EB4F), 0xC4CE_B9FE_1A85_EC53)]
    }

    /// The old 128-bit row-key fingerprint, as (high, low).
    struct Fingerprint: Equatable {
        var high: UInt64 = golden
        var low: UInt64 = 0xC2B2_AE3D_27D4_EB4F

        mutating func combine(_ value: UInt64) {
            high = mix(high ^ value, 0xFF51_AFD7_ED55_8CCD)
            low = mix(low &+ value, 0xC4CE_B9FE_1A85_EC53)
        }

        mutating func combine(_ words: [UInt64]) { for w in words { combine(w) } }

        mutating func combine(_ text: String) {
            let bytes = Array(text.utf8)
            for i in stride(from: 0, to: bytes.count, by: 8) {
                combine(bytes[i..<min(i + 8, bytes.count)].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) })
            }
            combine(UInt64(bytes.count))
        }
    }

    /// Two pseudonyms (as words) with the same old person key: for a target key (high, low),
    /// any c and d give high = mix(a ^ mix(c, golden), K1) when a = unmix(high, K1) ^
    /// mix(c, golden), and low likewise from b and d. Two choices of (c, d) give two pseudonyms.
    static func personKeyCollision() -> ([UInt64], [UInt64]) {
        let target: [UInt64] = [0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210]
        func solve(_ c: UInt64, _ d: UInt64) -> [UInt64] {
            [unmix(target[0], 0xFF51_AFD7_ED55_8CCD) ^ mix(c, golden), unmix(target[1], 0xC4CE_B9FE_1A85_EC53) ^ mix(d, 0xC2B2_AE3D_27D4_EB4F), c, d]
        }
        return (solve(1, 1), solve(2, 2))
    }

    /// Two pseudonyms (as words) after which the old fingerprint is in the same state, so any
    /// equal rest of the key (group and start, or child) collides too. Both share a and b, so
    /// the state (h, l) before c is the same. Combining c gives (H, L) = (mix(h ^ c),
    /// mix(l + c)); c' = unmix(~H) ^ h gives H' = ~H. Combining d then needs H ^ d = ~H ^ d'
    /// and L + d = L' + d': d' = ~d does the first, and makes the second 2d + 1 = L' - L,
    /// solvable when L' - L is odd (else try the next c).
    static func fingerprintCollision() -> ([UInt64], [UInt64]) {
        let a: UInt64 = 0x1111_2222_3333_4444, b: UInt64 = 0x5555_6666_7777_8888
        var before = Fingerprint()
        before.combine([a, b])
        var c: UInt64 = 1
        while true {
            var one = before, other = before
            one.combine(c)
            let c2 = unmix(~one.high, 0xFF51_AFD7_ED55_8CCD) ^ before.high
            other.combine(c2)
            let difference = other.low &- one.low
            if difference & 1 == 1 {
                let d = (difference &- 1) >> 1
                return ([a, b, c, d], [a, b, c2, ~d])
            }
            c += 1
        }
    }

    static func hex(_ words: [UInt64]) -> String {
        words.map { let digits = String($0, radix: 16); return String(repeating: "0", count: 16 - digits.count) + digits }.joined()
    }
}

struct PersonIdentityTests {
    static let personPair = OldMixing.personKeyCollision()
    static let fingerprintPair = OldMixing.fingerprintCollision()
    static let registrationHeader = RowValidationTests.registrationHeader
    static func registration(_ pseudonym: String, group: String = "G1") -> String {
        "\(pseudonym),\(group),opvoedgroep,Buurtteam,opvoeder,2024-01-05,2024-03-01,afgerond,1985,Zuilen,1a2b3c4d"
    }

    @Test func theConstructedPseudonymsCollidedUnderTheOldMixing() throws {
        let (one, other) = Self.personPair
        #expect(one != other)
        #expect(OldMixing.personKey(one) == OldMixing.personKey(other))
        #expect(OldMixing.personKey(one) == [0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210])
        let (first, second) = Self.fingerprintPair
        #expect(first != second)
        var f1 = OldMixing.Fingerprint(), f2 = OldMixing.Fingerprint()
        f1.combine(first)
        f2.combine(second)
        #expect(f1 == f2)
        // So were the old registration keys (pseudonym, group, start day) and family keys
        // (parent, child) that start with them.
        let start = UInt64(Day(parsing: "2024-01-05")!.julian)
        var r1 = f1, r2 = f2, l1 = f1, l2 = f2
        r1.combine("G1"); r1.combine(start)
        r2.combine("G1"); r2.combine(start)
        let child = try #require(Pseudonym(hex: P(7)))
        l1.combine([child.a, child.b, child.c, child.d])
        l2.combine([child.a, child.b, child.c, child.d])
        #expect(r1 == r2 && l1 == l2 && r1 != l1)
        // All four are valid pseudonyms: 64 lowercase hex characters, the words they were made of.
        for words in [one, other, first, second] {
            let text = OldMixing.hex(words)
            #expect(text.count == 64 && text == text.lowercased())
            let p = try #require(Pseudonym(hex: text))
            #expect([p.a, p.b, p.c, p.d] == words)
        }
    }

    @Test func pseudonymsWithOneOldKeyGetTwoIds() throws {
        let one = try #require(Pseudonym(hex: OldMixing.hex(Self.personPair.0)))
        let other = try #require(Pseudonym(hex: OldMixing.hex(Self.personPair.1)))
        let table = FlatKeyTable()
        #expect(table.insert(one, id: 1) == (1, true))
        #expect(table.insert(other, id: 2) == (2, true))
        #expect(table.insert(one, id: 3) == (1, false))
        #expect(table.id(of: one) == 1 && table.id(of: other) == 2 && table.count == 2)

        let ws = try Workspace()
        let index = try PersonIndex(db: try ws.open())
        #expect(index.id(for: one, text: one.hex) == 1)
        #expect(index.id(for: other, text: other.hex) == 2)
        #expect(index.id(for: one, text: one.hex) == 1)
        #expect(index.takePending().map { $0.pseudonym } == [one.hex, other.hex])
    }

    @Test func pseudonymsWithOneOldKeyLoadAsTwoPersons() throws {
        let one = OldMixing.hex(Self.personPair.0), other = OldMixing.hex(Self.personPair.1)
        let ws = try Workspace()
        try ws.deliver("registraties_2024-06-30.csv", [Self.registrationHeader, Self.registration(one, group: "G1"),
                                                       Self.registration(other, group: "G2"), Self.registration(one, group: "G3")]
            .joined(separator: "\n") + "\n")
        let report = try ws.ingest()
        #expect(report.files.map(\.status) == [.loaded])
        #expect(report.files.map(\.accepted) == [3])
        let db = try ws.open()
        #expect(try db.query("SELECT person_id, pseudo_id FROM person ORDER BY person_id") { "\($0.int(0)) \($0.string(1))" }
            == ["1 \(one)", "2 \(other)"])
        #expect(try db.query("SELECT person_id, group_id FROM stg_registration ORDER BY group_id") { "\($0.int(0)) \($0.string(1))" }
            == ["1 G1", "2 G2", "1 G3"])
        // A second load reads the index back from `person` and still tells them apart.
        let fresh = try PersonIndex(db: db)
        #expect(fresh.id(for: Pseudonym(hex: other)!, text: other) == 2)
        #expect(fresh.id(for: Pseudonym(hex: one)!, text: one) == 1)
        #expect(fresh.takePending().isEmpty)
    }

    @Test func rowKeysWithOneOldFingerprintAreBothAccepted() throws {
        let first = try #require(Pseudonym(hex: OldMixing.hex(Self.fingerprintPair.0)))
        let second = try #require(Pseudonym(hex: OldMixing.hex(Self.fingerprintPair.1)))
        let ws = try Workspace()
        let index = try PersonIndex(db: try ws.open())
        let firstId = index.id(for: first, text: first.hex), secondId = index.id(for: second, text: second.hex)
        #expect(firstId == 1 && secondId == 2)
        // The keys as the registration parser builds them: person, group, start day.
        let start = Day(parsing: "2024-01-05")!.julian
        let keys = RowKeySet()
        #expect(keys.insert { $0.append(firstId); $0.append("G1"); $0.append(start) })
        #expect(keys.insert { $0.append(secondId); $0.append("G1"); $0.append(start) })
        #expect(!keys.insert { $0.append(firstId); $0.append("G1"); $0.append(start) })
        #expect(keys.insert { $0.append(firstId); $0.append("G1"); $0.append(start + 1) })
        // Texts are length-prefixed: moving a byte from one text to the next is another key.
        #expect(keys.insert { $0.append("ab"); $0.append("c") })
        #expect(keys.insert { $0.append("a"); $0.append("bc") })
        #expect(!keys.insert { $0.append("a"); $0.append("bc") })
        #expect(keys.count == 5)
    }

    @Test func registrationsWithOneOldFingerprintBothLoad() throws {
        let first = OldMixing.hex(Self.fingerprintPair.0), second = OldMixing.hex(Self.fingerprintPair.1)
        let ws = try Workspace()
        // Same group and start day: the old fingerprints of rows 2 and 3 were equal. Row 4 is
        // a true duplicate of row 2; ten more good rows keep the file under maxRejectShare.
        try ws.deliver("registraties_2024-06-30.csv", ([Self.registrationHeader, Self.registration(first),
                                                        Self.registration(second), Self.registration(first)]
                                                       + (1...10).map { Self.registration(P($0)) }).joined(separator: "\n") + "\n")
        let report = try ws.ingest()
        #expect(report.files.map(\.status) == [.loaded])
        #expect(report.files.map(\.accepted) == [12])
        #expect(report.files.map(\.quarantined) == [1])
        let db = try ws.open()
        #expect(try db.query("SELECT person_id, group_id FROM stg_registration WHERE person_id <= 2 ORDER BY person_id") { "\($0.int(0)) \($0.string(1))" }
            == ["1 G1", "2 G1"])
        #expect(try db.query("SELECT pseudo_id FROM person ORDER BY person_id") { $0.string(0) } == [first, second] + (1...10).map(P))
        #expect(try db.query("SELECT row_number, column_name, reason FROM quarantine") { "\($0.int(0)) \($0.string(1)) \($0.string(2))" }
            == ["4 pseudo_id duplicate_key"])
    }

    @Test func familyLinksWithOneOldFingerprintBothLoad() throws {
        let first = OldMixing.hex(Self.fingerprintPair.0), second = OldMixing.hex(Self.fingerprintPair.1)
        let ws = try Workspace()
        // Same child: the old fingerprints of (first, child) and (second, child) were equal.
        try ws.deliver("gezinsrelaties_2024-06-30.csv", """
            \(RowValidationTests.familyHeader)
            \(first),\(P(7)),2012,1a2b3c4d
            \(second),\(P(7)),2012,1a2b3c4d

            """)
        let report = try ws.ingest()
        #expect(report.files.map(\.accepted) == [2])
        #expect(report.files.map(\.quarantined) == [0])
        let db = try ws.open()
        #expect(try db.query("SELECT parent_id, child_id FROM stg_family ORDER BY parent_id") { "\($0.int(0)) \($0.int(1))" }
            == ["1 2", "3 2"])
    }
}
