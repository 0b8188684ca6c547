// The elfproef on citizen service numbers (docs/delivery-contract.md, "Pseudonyms and keys"), and the
// column screen that keeps raw BSNs out of the database. 111222333 and 123456782 are the
// example numbers in common use; every weighted sum is worked out in the comments.

import Testing
import OutflowCore
import OutflowTestSupport

struct ElfproefTests {
    // MARK: - Single numbers

    @Test(arguments: [
        "111222333", // 9+8+7+12+10+8+9+6-3 = 66 = 6 x 11
        "123456782", // 9+16+21+24+25+24+21+16-2 = 154 = 14 x 11
        "012345672", // 0+8+14+18+20+20+18+14-2 = 110 = 10 x 11, leading zero kept
        "999999990", // 9 x 44 - 0 = 396 = 36 x 11
    ])
    func acceptsNumbersPassingElfproef(_ number: String) {
        #expect(Elfproef.isValid(number))
    }

    @Test(arguments: [
        "123456781", // 155, one off the multiple of 11
        "000000000", // 0 is divisible by 11 but never a BSN
        "100000009", // 9 - 9 = 0
        "12345678", // 8 digits
        "1234567820", // 10 digits
        "12345678a", // letter as check digit
        "1234 5678", // space inside
        "12345678\u{0662}", // Arabic-Indic digit two: a digit, but not ASCII
        "",
    ])
    func rejectsNumbersFailingElfproef(_ text: String) {
        #expect(!Elfproef.isValid(text))
    }

    @Test func bytesAndStringAgree() {
        var text = "123456782"
        #expect(text.withUTF8 { Elfproef.isValid($0) })
    }

    // MARK: - Column screen

    static func screen(_ values: [String]) -> CitizenNumberScreen {
        var screen = CitizenNumberScreen()
        for value in values {
            var value = value
            value.withUTF8 { screen.observe($0) }
        }
        return screen
    }

    @Test func flagsColumnOfMostlyValidCitizenNumbers() {
        let column = ["111222333", "123456782", "", "012345672", "999999990", "123456781", "", "111222333"]
        #expect(ElfproefTests.screen(column).looksLikeCitizenNumbers)
    }

    @Test func passesColumnOfMunicipalityCodes() {
        #expect(!ElfproefTests.screen(["0363", "0599", "0518", "0344", "0363"]).looksLikeCitizenNumbers)
    }

    @Test func passesColumnOfPseudonyms() {
        let column = [
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        ]
        #expect(!ElfproefTests.screen(column).looksLikeCitizenNumbers)
    }

    @Test func passesColumnWhereExactlyHalfPass() {
        #expect(!ElfproefTests.screen(["111222333", "123456781", "", ""]).looksLikeCitizenNumbers)
    }

    @Test func passesEmptyColumn() {
        #expect(!ElfproefTests.screen(["", "", ""]).looksLikeCitizenNumbers)
        #expect(!CitizenNumberScreen().looksLikeCitizenNumbers)
    }
}
