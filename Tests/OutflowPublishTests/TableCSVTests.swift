// The analyst CSV text in both dialects: RFC 4180 by default (`,`, `.` decimals, no BOM),
// `nl` for Dutch Excel (`;`, decimal comma on numbers but not on keys, a UTF-8 BOM).

import Testing
import OutflowCore
import OutflowAnalysis
@testable import OutflowPublish

struct TableCSVTests {
    static let outflow = PublishedTable(
        name: "outflow",
        columns: ["stratum", "stratum_value", "horizon_days", "entries", "cum_incidence", "suppressed", "rate_per_100py", "pct_agree"],
        rows: [[.key("all"), .key("all"), .key("91"), .count(15), .proportion(0.123456), .number(12.345, decimals: 2), .percent(56.25)],
               [.key("role"), .key("jongere <&> \"x\""), .key("182"), .suppressed, .withheld, .empty, .percent(-0.04)],
               [.key("organisation"), .key("0344"), .key("365"), .count(0), .proportion(1), .number(.nan, decimals: 2), .percent(100)]])

    static let attrition = PublishedTable(name: "attrition", columns: ["step", "reason", "entries"],
                                          rows: [[.key("1"), .key("role is one of jongere, opvoeder"), .count(40)]])

    @Test func defaultDialectIsRFC4180() {
        #expect(Self.attrition.csv() == "step,reason,entries\n1,\"role is one of jongere, opvoeder\",40\n")
        #expect(Self.outflow.csv(.rfc4180) == Self.outflow.csv())
        #expect(Self.outflow.csv().hasPrefix("stratum,"))
    }

    @Test func dutchDialectUsesSemicolonDecimalCommaAndABOM() {
        #expect(Array(Self.attrition.csv(.nl).utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(Self.attrition.csv(.nl) == "\u{FEFF}step;reason;entries\n1;role is one of jongere, opvoeder;40\n")
        #expect(Self.outflow.csv(.nl) == "\u{FEFF}stratum;stratum_value;horizon_days;entries;cum_incidence;suppressed;rate_per_100py;pct_agree\n"
                + "all;all;91;15;0,1235;0;12,35;56,3\n"
                + "role;\"jongere <&> \"\"x\"\"\";182;;;1;;0,0\n"
                + "organisation;0344;365;0;1,0000;0;;100,0\n")
    }
}
