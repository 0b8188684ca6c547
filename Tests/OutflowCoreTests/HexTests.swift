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
        ("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", 64, true),
        ("B0344C61D8DB38535CA8AFCEAF0BF12B881DC200C9833DA726E9376C2E32CFF7", 64, false),
        ("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff", 64, false),
        ("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", 8, false),
        ("ba7816bf", 8, true),
        ("ba7816bg", 8, false),
        ("ba7816b:", 8, false),
        ("ba7816b`", 8, false),
    ])
    func checksLowercaseHexOfExactLength(_ text: String, count: Int, expected: Bool) {
        var text = text
        #expect(text.withUTF8 { Hex.isLowercaseHex($0, count: count) } == expected)
    }
}
