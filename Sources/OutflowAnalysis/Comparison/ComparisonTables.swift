// The comparison's analyst tables through the disclosure gate (docs/methods.md sections 10
// and 11): per stratum and horizon both arms' Aalen-Johansen and Kaplan-Meier estimates from
// their protected tallies, the risk difference and ratio computed from those protected
// estimates, both arms' curves, and the balance table with shares from rounded counts.

import OutflowCore

/// One stratum of the comparison: the follow-up times of both arms.
public struct ComparisonStratum: Sendable {
    public var stratum: Stratum
    /// Each arm's follow-up, tallied per day (exact; the tables protect it).
    public var exposed: SurvivalTally
    public var comparison: SurvivalTally

    public init(stratum: Stratum, exposed: SurvivalTally, comparison: SurvivalTally) {
        self.stratum = stratum
        self.exposed = exposed
        self.comparison = comparison
    }

    public init(stratum: Stratum, exposed: [SurvivalTime], comparison: [SurvivalTime]) {
        self.init(stratum: stratum, exposed: SurvivalTally(exposed), comparison: SurvivalTally(comparison))
    }
}

/// A matched child's covariates for the balance table.
public struct BalanceRecord: Sendable, Equatable {
    public var birthYear: Int
    public var ageAtIndex: Double
    public var sex: String?
    public var district: String?
    public var priorCare: Bool
    public var earlierDecisions: Int

    public init(birthYear: Int, ageAtIndex: Double, sex: String?, district: String?, priorCare: Bool, earlierDecisions: Int) {
        self.birthYear = birthYear
        self.ageAtIndex = ageAtIndex
        self.sex = sex
        self.district = district
        self.priorCare = priorCare
        self.earlierDecisions = earlierDecisions
    }
}

/// The balance table's covariates of one arm, kept column by column in about 20 bytes a child
/// (a large comparison has a million controls): texts are stored once and referred to by number.
public struct BalanceRecords: Sendable {
    private(set) var birthYears: [Int16] = []
    private(set) var agesAtIndex: [Double] = []
    private(set) var sexes: [Int32] = []
    private(set) var districts: [Int32] = []
    private(set) var priorCare: [Bool] = []
    private(set) var earlierDecisions: [Int32] = []
    /// The distinct texts of sex and district; -1 is a missing value.
    private(set) var texts: [String] = []
    private var numbers: [String: Int32] = [:]

    public init() {}

    public init(_ records: [BalanceRecord]) {
        for r in records { append(r) }
    }

    public var count: Int { birthYears.count }

    public mutating func append(_ r: BalanceRecord) {
        birthYears.append(Int16(clamping: r.birthYear))
        agesAtIndex.append(r.ageAtIndex)
        sexes.append(number(r.sex))
        districts.append(number(r.district))
        priorCare.append(r.priorCare)
        earlierDecisions.append(Int32(clamping: r.earlierDecisions))
    }

    private mutating func number(_ text: String?) -> Int32 {
        guard let text else { return -1 }
        if let n = numbers[text] { return n }
        let n = Int32(texts.count)
        texts.append(text)
        numbers[text] = n
        return n
    }

    /// Children per level of a text column (a missing value is `(unknown)`).
    func levels(_ column: [Int32]) -> [String: Int] {
        var perNumber = [Int](repeating: 0, count: texts.count + 1)
        for n in column { perNumber[Int(n) + 1] += 1 }
        var result: [String: Int] = [:]
        for (i, c) in perNumber.enumerated() where c > 0 { result[i == 0 ? "(unknown)" : texts[i - 1], default: 0] += c }
        return result
    }
}

extension CohortTables {
    private static let arms = ["exposed", "comparison"]

    /// Which comparison strata publish figures: both arms need at least k entries; a lone
    /// small value of a stratum variable takes its smallest neighbour with it.
    private func visibility(_ strata: [ComparisonStratum]) -> [Visibility] {
        visibility(strata: strata.map(\.stratum), sizes: strata.map { min($0.exposed.total, $0.comparison.total) })
    }

    /// comparison.csv: per stratum and horizon a row per arm, then the risk difference and the
    /// risk ratio of the arms' Aalen-Johansen estimates (Wald intervals from their variances).
    public func comparison(_ strata: [ComparisonStratum]) -> PublishedTable {
        var rows: [[Cell]] = []
        let figures = 12
        for (s, visibility) in zip(strata, visibility(strata)) {
            let tallies = [s.exposed, s.comparison].map { $0.protected(by: protection) }
            let aj = tallies.map { AalenJohansen(tally: $0) }
            let km = tallies.map { KaplanMeier(tally: $0) }
            for h in horizons {
                let keys: [Cell] = [.key(s.stratum.variable), .key(s.stratum.value), .key(String(h))]
                guard visibility == .shown else {
                    for arm in Self.arms + ["difference", "ratio"] { rows.append(keys + [.key(arm)] + Array(repeating: visibility.cell, count: figures)) }
                    continue
                }
                var published: [Bool] = []
                for (i, arm) in Self.arms.enumerated() {
                    let tally = tallies[i]
                    guard tally.atRisk(at: h) >= k, h <= (tally.lastDay ?? -1) else {
                        rows.append(keys + [.key(arm)] + Array(repeating: .withheld, count: figures))
                        published.append(false)
                        continue
                    }
                    let through = tally.cumulative(through: h)
                    let cif = aj[i].value(at: h), f = km[i].value(at: h)
                    rows.append(keys + [.key(arm), .count(tally.total), .count(tally.total - through.events - through.competing - through.censored),
                                        .count(through.events), .count(through.competing), .count(through.censored),
                                        .proportion(cif.cif), .proportion(cif.low), .proportion(cif.high),
                                        .proportion(f.cumulativeIncidence), .proportion(f.ciLow), .proportion(f.ciHigh)])
                    published.append(true)
                }
                let estimates = aj.map { (cif: $0.value(at: h).cif, variance: $0.variance(at: h)) }
                let empty = Array(repeating: Cell.empty, count: 5)
                if published.allSatisfy({ $0 }) {
                    let d = RiskContrast.difference(estimates[0], estimates[1])
                    rows.append(keys + [.key("difference")] + empty + [.number(d.estimate, decimals: 4), .number(d.low, decimals: 4), .number(d.high, decimals: 4)]
                                + [.empty, .empty, .empty])
                    let r = RiskContrast.ratio(estimates[0], estimates[1])
                    rows.append(keys + [.key("ratio")] + empty + (r.map { [.number($0.estimate, decimals: 4), .number($0.low, decimals: 4), .number($0.high, decimals: 4)] }
                                                                  ?? [.empty, .empty, .empty]) + [.empty, .empty, .empty])
                } else {
                    for arm in ["difference", "ratio"] { rows.append(keys + [.key(arm)] + Array(repeating: .withheld, count: figures)) }
                }
            }
        }
        return PublishedTable(name: "comparison", columns: ["stratum", "stratum_value", "horizon_days", "arm", "entries", "n_followed", "n_events",
                                                            "n_competing", "n_censored", "cif_aj", "cif_aj_low", "cif_aj_high",
                                                            "cum_incidence", "ci_low", "ci_high", "suppressed"],
                              rows: rows, protection: ["entries": .midpoint, "n_events": .midpoint, "n_competing": .midpoint,
                                                       "n_censored": .midpoint, "n_followed": .derived])
    }

    /// comparison_curve.csv: both arms' Aalen-Johansen curves on the grid while at least k
    /// are (protectedly) at risk in that arm.
    public func comparisonCurve(_ strata: [ComparisonStratum]) -> PublishedTable {
        var rows: [[Cell]] = []
        for (s, visibility) in zip(strata, visibility(strata)) where visibility == .shown {
            for (arm, exact) in zip(Self.arms, [s.exposed, s.comparison]) {
                let tally = exact.protected(by: protection)
                let aj = AalenJohansen(tally: tally)
                var t = 0
                while tally.atRisk(at: t) >= k, t <= (tally.lastDay ?? -1) {
                    let c = aj.value(at: t)
                    rows.append([.key(s.stratum.variable), .key(s.stratum.value), .key(arm), .key(String(t)), .count(tally.atRisk(at: t)),
                                 .proportion(c.cif), .proportion(c.low), .proportion(c.high)])
                    t += gridDays
                }
            }
        }
        return PublishedTable(name: "comparison_curve", columns: ["stratum", "stratum_value", "arm", "t_days", "at_risk", "cif_aj", "cif_aj_low", "cif_aj_high"],
                              rows: rows, protection: ["at_risk": .derived])
    }

    /// balance.csv: per variable the share (from rounded counts) or mean in each arm and the
    /// standardised mean difference, flagged above 0.1; then the matching counts (rounded).
    public func balance(exposed: [BalanceRecord], comparison: [BalanceRecord], matching: Matching, controlsPerEntry: Int) -> PublishedTable {
        balance(exposed: BalanceRecords(exposed), comparison: BalanceRecords(comparison), matching: matching, controlsPerEntry: controlsPerEntry)
    }

    public func balance(exposed: BalanceRecords, comparison: BalanceRecords, matching: Matching, controlsPerEntry: Int) -> PublishedTable {
        var rows: [[Cell]] = []
        func mean(_ name: String, _ a: [Double], _ b: [Double]) {
            let line = Balance.mean(name, exposed: a, comparison: b)
            rows.append([.key(line.variable), .key(line.level), .number(line.exposed, decimals: 2), .number(line.comparison, decimals: 2),
                         .number(line.smd, decimals: 3), .key(line.flagged ? "1" : "0")])
        }
        func shares(_ name: String, _ a: [String: Int], _ b: [String: Int]) {
            let (na, nb) = (protection.rounded(exposed.count), protection.rounded(comparison.count))
            for level in Set(a.keys).union(b.keys).sorted() {
                let ca = protection.rounded(a[level] ?? 0)
                let cb = protection.rounded(b[level] ?? 0)
                guard let ca, let cb, let na, let nb, na > 0, nb > 0 else {
                    rows.append([.key(name), .key(level), .suppressed, .suppressed, .suppressed, .suppressed])
                    continue
                }
                let (pa, pb) = (Double(ca) / Double(na), Double(cb) / Double(nb))
                let smd = Balance.smd(share: pa, pb)
                rows.append([.key(name), .key(level), .proportion(pa), .proportion(pb), .number(smd, decimals: 3), .key(abs(smd) > 0.1 ? "1" : "0")])
            }
        }
        func prior(_ r: BalanceRecords) -> [String: Int] {
            let yes = r.priorCare.reduce(0) { $0 + ($1 ? 1 : 0) }
            return ["yes": yes, "no": r.count - yes].filter { $0.value > 0 }
        }
        mean("birth_year", exposed.birthYears.map(Double.init), comparison.birthYears.map(Double.init))
        shares("sex", exposed.levels(exposed.sexes), comparison.levels(comparison.sexes))
        shares("district", exposed.levels(exposed.districts), comparison.levels(comparison.districts))
        shares("prior_care", prior(exposed), prior(comparison))
        mean("age_at_index", exposed.agesAtIndex, comparison.agesAtIndex)
        mean("earlier_decisions", exposed.earlierDecisions.map(Double.init), comparison.earlierDecisions.map(Double.init))
        let counts: [(String, Int)] = [("exposed_entries", matching.exposed), ("matched", matching.matched), ("unmatched", matching.unmatched),
                                       ("fewer_controls_than_asked", matching.partlyMatched), ("controls", comparison.count)]
        for (level, n) in counts {
            rows.append([.key("matching"), .key(level), protection.rounded(n).map(Cell.count) ?? .suppressed, .empty, .empty, .empty])
        }
        rows.append([.key("matching"), .key("controls_per_entry_asked"), .key(String(controlsPerEntry)), .empty, .empty, .empty])
        return PublishedTable(name: "balance", columns: ["variable", "level", "exposed", "comparison", "smd", "flagged", "suppressed"],
                              rows: rows, protection: ["exposed": .rounded])
    }
}
