// Hex encoding and decoding, and the lowercase-hex check that pseudonym and key_id columns
// pass through (docs/delivery-contract.md, "Pseudonyms and keys").

import Testing
import OutflowCore
import OutflowTestSupport

struct HexTests {
    @Test func encodesLowercaseTwoCharactersPerByte() {
        #expect(Hex.encode([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
        #expect(Hex.encode([]) == "")
    }

    @Test func decodesEitherCase() {
        #expect(Hex.decode("000fa5ff") == [0x00, 0x0f, 0xa5, 0xff])
        #expect(Hex.decode("A5Ff") == [0xa5, 0xff])
        #expect(Hex.decode("") == [])
    }

    @Test(arguments: ["abc", "zz", "0g", " 0a", "\u{10}0", "é0"])
    func decodeRejectsNonHex(_ text: String) {
        #expect(Hex.decode(text) == nil)
    }

    @Test(arguments: [
        ("ba7816bf", true), ("0123abcd", true), ("98765432", true), ("ffffffff", true),
        ("BA7816BF", false), ("ba7816bg", false), ("ba7816b:", false), ("ba7816b`", false),
        ("ba7816b/", false), ("ba7816b@", false), ("ba7816bG", false), ("ba 816bf", false),
    ])
    func checksEightLowercaseHexCharactersAtOnce(_ text: String, expected: Bool) {
        let bytes = Array(text.utf8)
        let word = bytes.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)) }
        #expect(Hex.isLowercaseHex(word: word) == expected)
        // Every single byte out of place, in any position, fails the whole word.
        for position in 0..<8 where expected {
            for byte in [UInt8(0x2F), 0x3A, 0x40, 0x47, 0x60, 0x67, 0x80, 0xB0, 0xE1, 0x00] {
                var changed = bytes
                changed[position] = byte
                let bad = changed.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)) }
                #expect(!Hex.isLowercaseHex(word: bad), "\(text) with byte \(byte) at \(position)")
            }
        }
    }
}
