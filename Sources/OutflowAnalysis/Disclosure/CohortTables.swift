// The disclosure gate for the cohort outputs: attrition.csv, outflow.csv,
// outflow_curve.csv, rates.csv and before_after.csv, built from the raw measures with
// the rules of methods.md section 10.

import OutflowCore

/// Builds the protected cohort tables.
public struct CohortTables: Sendable {
    public var rule: SuppressionRule
    public var horizons: [Int]
    public var gridDays: Int

    public init(minCell: Int, horizons: [Int], gridDays: Int) {
        rule = SuppressionRule(minCell: minCell)
        self.horizons = horizons
        self.gridDays = gridDays
    }

    /// The attrition flow. Remaining counts chain (entries before a step = entries after it +
    /// its exclusions), so a small exclusion is protected by pairing it with a second non-zero
    /// exclusion and suppressing the remaining counts between them: only their sum can be derived.
    public func attrition(_ steps: [AttritionStep]) -> PublishedTable {
        var rows: [[Cell]] = steps.map { s in
            [.key(String(s.step)), .key(s.reason), rule.count(s.entries), rule.count(s.persons),
             rule.count(s.excludedEntries), rule.count(s.excludedPersons)]
        }
        protectChain(&rows, remaining: 2, excluded: 4, exclusions: steps.map(\.excludedEntries))
        protectChain(&rows, remaining: 3, excluded: 5, exclusions: steps.map(\.excludedPersons))
        return PublishedTable(name: "attrition", columns: ["step", "reason", "entries", "persons", "excluded_entries", "excluded_persons"],
                              rows: rows)
    }

    private func protectChain(_ rows: inout [[Cell]], remaining: Int, excluded: Int, exclusions: [Int]) {
        var paired: Set<Int> = []
        for i in exclusions.indices where rule.isSmall(exclusions[i]) && !paired.contains(i) {
            let partners = exclusions.indices.filter { $0 != i && exclusions[$0] > 0 && !paired.contains($0) }
            guard let j = partners.min(by: { (exclusions[$0], abs($0 - i)) < (exclusions[$1], abs($1 - i)) }) else { continue }
            paired.formUnion([i, j])
            rows[j][excluded] = .withheld
            for k in min(i, j)..<max(i, j) { rows[k][remaining] = .withheld }
        }
    }

    public func outflow(_ measures: [StratumMeasures]) -> PublishedTable {
        var rows: [[Cell]] = []
        var sizes: [Int] = []
        var groups: [String: [Int]] = [:]
        for m in measures {
            for h in horizons {
                let counts = m.kaplanMeier.counts(at: h)
                let estimate = m.kaplanMeier.estimate(at: h)
                var row: [Cell] = [.key(m.stratum.variable), .key(m.stratum.value), .key(String(h)), .count(m.entries),
                                   .count(counts.followed), .count(counts.events), .count(counts.censored)]
                row += estimate.map { [.proportion($0.cumulativeIncidence), .proportion($0.ciLow), .proportion($0.ciHigh)] }
                    ?? [.empty, .empty, .empty]
                if m.entries < rule.minCell || counts.followed < rule.minCell || rule.isSmall(counts.events) || rule.isSmall(counts.censored) {
                    row = rule.suppressWhole(row)
                }
                if m.stratum != .all { groups["\(m.stratum.variable)|\(h)", default: []].append(rows.count) }
                rows.append(row)
                sizes.append(m.entries)
            }
        }
        rule.secondary(rows: &rows, groups: groups.keys.sorted().map { groups[$0]! }) { sizes[$0] }
        return PublishedTable(name: "outflow", columns: ["stratum", "stratum_value", "horizon_days", "entries", "n_followed", "n_events",
                                                         "n_censored", "cum_incidence", "ci_low", "ci_high", "suppressed"], rows: rows)
    }

    /// Curve points on the grid while at least k entries are at risk, with secondary
    /// suppression of a point whose at-risk count could be recovered from the `all` curve.
    public func curve(_ measures: [StratumMeasures]) -> PublishedTable {
        var points: [Stratum: [Int: (Int, KaplanMeier.Estimate)]] = [:]
        for m in measures where m.entries >= rule.minCell {
            var t = 0
            while let estimate = m.kaplanMeier.estimate(at: t), m.kaplanMeier.atRisk(at: t) >= rule.minCell {
                points[m.stratum, default: [:]][t] = (m.kaplanMeier.atRisk(at: t), estimate)
                t += gridDays
            }
        }
        let variables = measures.map(\.stratum.variable).filter { $0 != "all" }
        for variable in Set(variables) {
            let strata = measures.filter { $0.stratum.variable == variable }
            for t in (points[.all] ?? [:]).keys {
                let hidden = strata.filter { points[$0.stratum]?[t] == nil && $0.kaplanMeier.atRisk(at: t) > 0 }
                guard hidden.count == 1 else { continue }
                let shown = strata.filter { points[$0.stratum]?[t] != nil }
                if let smallest = shown.min(by: { (points[$0.stratum]![t]!.0, $0.stratum.value) < (points[$1.stratum]![t]!.0, $1.stratum.value) }) {
                    points[smallest.stratum]![t] = nil
                }
            }
        }
        var rows: [[Cell]] = []
        for m in measures {
            for t in (points[m.stratum] ?? [:]).keys.sorted() {
                let (atRisk, e) = points[m.stratum]![t]!
                rows.append([.key(m.stratum.variable), .key(m.stratum.value), .key(String(t)), .count(atRisk),
                             .proportion(e.cumulativeIncidence), .proportion(e.ciLow), .proportion(e.ciHigh)])
            }
        }
        return PublishedTable(name: "outflow_curve", columns: ["stratum", "stratum_value", "t_days", "at_risk", "cum_incidence", "ci_low", "ci_high"],
                              rows: rows)
    }

    public func rates(_ measures: [StratumMeasures]) -> PublishedTable {
        var rows: [[Cell]] = []
        var groups: [String: [Int]] = [:]
        for m in measures {
            let r = m.rate
            var row: [Cell] = [.key(m.stratum.variable), .key(m.stratum.value), .count(m.entries), .count(r.events),
                               .number(r.personYears, decimals: 2)]
            row += [r.ratePer100, r.ciLow, r.ciHigh].map { $0.map { Cell.number($0, decimals: 2) } ?? .empty }
            if m.entries < rule.minCell || rule.isSmall(r.events) { row = rule.suppressWhole(row) }
            if m.stratum != .all { groups[m.stratum.variable, default: []].append(rows.count) }
            rows.append(row)
        }
        rule.secondary(rows: &rows, groups: groups.keys.sorted().map { groups[$0]! }) { measures[$0].entries }
        return PublishedTable(name: "rates", columns: ["stratum", "stratum_value", "entries", "events", "person_years",
                                                       "rate_per_100py", "ci_low", "ci_high", "suppressed"], rows: rows)
    }

    public func beforeAfter(_ measures: [StratumMeasures]) -> PublishedTable {
        var rows: [[Cell]] = []
        var groups: [String: [Int]] = [:]
        var sizes: [Int] = []
        for m in measures {
            guard let t = m.beforeAfter else { continue }
            let cells = [t.yesYes, t.yesNo, t.noYes, t.noNo]
            var row: [Cell] = [.key(m.stratum.variable), .key(m.stratum.value), .count(t.total)] + cells.map(Cell.count)
            row.append(t.total > 0 ? .number(t.exactMcNemarP, decimals: 4) : .empty)
            row += [t.proportionBefore, t.proportionAfter].map { $0.map(Cell.proportion) ?? .empty }
            if t.total < rule.minCell || cells.contains(where: rule.isSmall) { row = rule.suppressWhole(row) }
            if m.stratum != .all { groups[m.stratum.variable, default: []].append(rows.count) }
            rows.append(row)
            sizes.append(t.total)
        }
        rule.secondary(rows: &rows, groups: groups.keys.sorted().map { groups[$0]! }) { sizes[$0] }
        return PublishedTable(name: "before_after", columns: ["stratum", "stratum_value", "entries", "before_yes_after_yes", "before_yes_after_no",
                                                              "before_no_after_yes", "before_no_after_no", "p_mcnemar", "suppressed",
                                                              "prop_before", "prop_after"], rows: rows)
    }
}
