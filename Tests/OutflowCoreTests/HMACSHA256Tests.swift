// HMAC-SHA256 against all seven test cases of RFC 4231 section 4 (case 5 is published only
// as its first 128 bits), and the key id against the FIPS 180-4 "abc" digest.

import Testing
import OutflowCore
import OutflowTestSupport

struct HMACSHA256Tests {
    struct Case: Sendable, CustomStringConvertible {
        let number: Int
        let key: [UInt8]
        let data: [UInt8]
        let mac: String
        var description: String { "RFC 4231 test case \(number)" }
    }

    static let rfc4231: [Case] = [
        Case(number: 1, key: Array(repeating: 0x0b, count: 20), data: Array("Hi There".utf8),
             mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        Case(number: 2, key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8),
             mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        Case(number: 3, key: Array(repeating: 0xaa, count: 20), data: Array(repeating: 0xdd, count: 50),
             mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        Case(number: 4, key: Array(1...25), data: Array(repeating: 0xcd, count: 50),
             mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        Case(number: 5, key: Array(repeating: 0x0c, count: 20), data: Array("Test With Truncation".utf8),
             mac: "a3b6167473100ee06e0c796c2955552b"),
        Case(number: 6, key: Array(repeating: 0xaa, count: 131),
             data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
             mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        Case(number: 7, key: Array(repeating: 0xaa, count: 131),
             data: Array(("This is a test using a larger than block-size key and a larger than block-size data."
                 + " The key needs to be hashed before being used by the HMAC algorithm.").utf8),
             mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    /// Compares on the published length, so case 5's 128-bit truncation checks a prefix.
    static func published(_ mac: [UInt8], as expected: String) -> Bool {
        mac.count == 32 && Hex.encode(mac).hasPrefix(expected)
    }

    @Test(arguments: rfc4231)
    func matchesRFC4231(_ testCase: Case) {
        let mac = HMACSHA256(key: testCase.key).authenticate(testCase.data)
        #expect(HMACSHA256Tests.published(mac, as: testCase.mac))
    }

    @Test(arguments: rfc4231)
    func rawBufferMessageMatchesRFC4231(_ testCase: Case) {
        let mac = testCase.data.withUnsafeBytes { HMACSHA256(key: testCase.key).authenticate($0) }
        #expect(HMACSHA256Tests.published(mac, as: testCase.mac))
    }

    @Test(arguments: rfc4231)
    func oneShotMatchesRFC4231(_ testCase: Case) {
        let mac = HMACSHA256.authenticate(message: testCase.data, key: testCase.key)
        #expect(HMACSHA256Tests.published(mac, as: testCase.mac))
    }

    @Test func reusedKeyGivesSameMacsInAnyOrder() {
        let mac = HMACSHA256(key: HMACSHA256Tests.rfc4231[1].key)
        _ = mac.authenticate(HMACSHA256Tests.rfc4231[0].data)
        #expect(Hex.encode(mac.authenticate(HMACSHA256Tests.rfc4231[1].data)) == HMACSHA256Tests.rfc4231[1].mac)
        #expect(Hex.encode(mac.authenticate(HMACSHA256Tests.rfc4231[1].data)) == HMACSHA256Tests.rfc4231[1].mac)
    }

    // MARK: - Key id

    @Test func keyIdIsFirstEightHexOfKeySHA256() {
        // FIPS 180-4: SHA-256("abc") = ba7816bf 8f01cfea ...
        #expect(PseudonymKey.keyId(of: Array("abc".utf8)) == "ba7816bf")
    }
}
