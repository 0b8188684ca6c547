// The before-and-after table and its exact McNemar p-value (methods.md section 8). Small
// cases are worked by hand; larger ones are scipy 1.17.1 `binomtest(min(b, c), b + c, 0.5)`,
// whose two-sided p-value for p = 1/2 equals the doubled tail.

import Testing
import OutflowCore
import OutflowAnalysis
import OutflowTestSupport

struct McNemarTests {
    @Test func tableCarriesCellsTotalAndProportions() throws {
        let table = BeforeAfterTable(yesYes: 12, yesNo: 3, noYes: 10, noNo: 75)
        #expect(table.total == 100)
        #expect(try #require(table.proportionBefore) == 0.15)
        #expect(try #require(table.proportionAfter) == 0.22)
        // 2 * (1 + 13 + 78 + 286) / 2^13 = 756 / 8192
        #expect(abs(table.exactMcNemarP - 0.09228515625) <= 1e-12)
    }

    @Test func emptyTableHasNoProportionsAndPOne() {
        let table = BeforeAfterTable(yesYes: 0, yesNo: 0, noYes: 0, noNo: 0)
        #expect(table.total == 0)
        #expect(table.proportionBefore == nil)
        #expect(table.proportionAfter == nil)
        #expect(table.exactMcNemarP == 1)
    }

    @Test func noDiscordantPairsGivePOne() {
        #expect(BeforeAfterTable(yesYes: 40, yesNo: 0, noYes: 0, noNo: 60).exactMcNemarP == 1)
    }

    @Test(arguments: [(1, 1), (4, 4), (50_000, 50_000)])
    func balancedDiscordantPairsGivePOne(_ b: Int, _ c: Int) {
        #expect(BeforeAfterTable.exactMcNemarP(yesNo: b, noYes: c) == 1)
    }

    @Test func oneDiscordantPairCannotBeSignificant() {
        // 2 * C(1, 0) / 2 = 1.
        #expect(BeforeAfterTable.exactMcNemarP(yesNo: 0, noYes: 1) == 1)
    }

    @Test func allFiveDiscordantOneWayGiveTwoInThirtyTwo() {
        #expect(abs(BeforeAfterTable.exactMcNemarP(yesNo: 0, noYes: 5) - 0.0625) <= 1e-15)
        #expect(abs(BeforeAfterTable.exactMcNemarP(yesNo: 5, noYes: 0) - 0.0625) <= 1e-15)
    }

    @Test(arguments: [
        (3, 10, 0.09228515625),
        (10, 3, 0.09228515625),
        (20, 45, 0.0026263768106840374),
        (49_900, 50_100, 0.5291572940801981),
        (49_000, 51_000, 2.5887160383468943e-10),
    ])
    func matchesScipyBinomtest(_ b: Int, _ c: Int, _ expected: Double) {
        let p = BeforeAfterTable.exactMcNemarP(yesNo: b, noYes: c)
        #expect(abs(p - expected) <= 1e-9 * expected, "got \(p)")
    }

    @Test func extremeImbalanceUnderflowsToZeroRatherThanNaN() {
        // 2 / 2^100000 is far below the smallest double.
        #expect(BeforeAfterTable.exactMcNemarP(yesNo: 0, noYes: 100_000) == 0)
    }
}
