// The disclosure gate for the cohort outputs (attrition.csv, outflow.csv,
// outflow_curve.csv, rates.csv, before_after.csv and outflow_by_answer.csv), built with the
// rules of docs/methods.md section 10: every number in a table is computed from protected
// counts, so no difference of published figures is a true count. The survival family runs
// its estimators (Kaplan-Meier, Aalen-Johansen) on the protected tally (block midpoints);
// tables show rounded counts and compute their shares from what they show. Built once with
// the configured protection for analysts and once with `DisclosureProtection.off` for the
// stewards' exact copy.

import OutflowCore

/// Builds the protected cohort tables.
public struct CohortTables: Sendable {
    public let protection: DisclosureProtection
    public let horizons: [Int]
    public let gridDays: Int

    public init(protection: DisclosureProtection, horizons: [Int], gridDays: Int) {
        self.protection = protection
        self.horizons = horizons
        self.gridDays = gridDays
    }

    var k: Int { protection.minCell }

    // MARK: - Attrition

    /// The attrition flow: rounded remaining entries and persons after each step; the
    /// excluded counts are the differences of the published values, so the flow adds up on
    /// the page and no exclusion is a true count.
    public func attrition(_ steps: [AttritionStep]) -> PublishedTable {
        var rows: [[Cell]] = []
        var previous: (entries: Cell, persons: Cell)?
        for s in steps {
            let entries = rounded(s.entries), persons = rounded(s.persons)
            let excludedEntries: Cell, excludedPersons: Cell
            if let previous {
                excludedEntries = difference(previous.entries, entries)
                excludedPersons = difference(previous.persons, persons)
            } else {
                excludedEntries = rounded(s.excludedEntries)
                excludedPersons = rounded(s.excludedPersons)
            }
            rows.append([.key(String(s.step)), .key(s.reason), entries, persons, excludedEntries, excludedPersons])
            previous = (entries, persons)
        }
        return PublishedTable(name: "attrition", columns: ["step", "reason", "entries", "persons", "excluded_entries", "excluded_persons"],
                              rows: rows, protection: ["entries": .rounded, "persons": .rounded,
                                                       "excluded_entries": .derived, "excluded_persons": .derived])
    }

    private func rounded(_ n: Int) -> Cell { protection.rounded(n).map(Cell.count) ?? .suppressed }

    private func difference(_ before: Cell, _ after: Cell) -> Cell {
        guard case .count(let a) = before, case .count(let b) = after else { return .withheld }
        return .count(a - b)
    }

    // MARK: - Survival family

    /// outflow.csv (and outflow_by_answer.csv): per stratum and horizon, the protected
    /// counts, the Kaplan-Meier estimate and, after the `suppressed` flag, the competing events
    /// and the Aalen-Johansen estimate (methods.md sections 6, 6b and 10), all from the
    /// protected tally, while at least k are (protectedly) at risk on the horizon day:
    /// `entries = N*`, `n_events = D*(h)`, `n_censored = C*(h)`, `n_competing = M*(h)` and
    /// `n_followed = N* - D*(h) - M*(h) - C*(h)`. Past the protected tally's last day a row is
    /// withheld, as the curve stops there.
    public func outflow(_ measures: [StratumMeasures], name: String = "outflow", keyColumns: [String] = ["stratum", "stratum_value"]) -> PublishedTable {
        var rows: [[Cell]] = []
        let figures = 11
        for (m, visibility) in zip(measures, visibility(measures)) {
            let tally = m.tally.protected(by: protection)
            let km = KaplanMeier(tally: tally)
            let aj = AalenJohansen(tally: tally)
            for h in horizons {
                let keys: [Cell] = [.key(m.stratum.variable), .key(m.stratum.value), .key(String(h))]
                guard visibility == .shown else { rows.append(keys + Array(repeating: visibility.cell, count: figures)); continue }
                // Past the gate: fewer than k at risk, or past the tally's last day, where the curve
                // stops too (nobody left, or only the surplus of the parts' midpoints over the
                // whole's: not estimable). The row is withheld whole; `<k` would wrongly say the
                // stratum itself is small.
                // Also withheld: a horizon on which so many entries end that the parts' midpoints
                // outgrow the whole's (a negative n_followed, as when every time piles up on the
                // horizon day).
                let through = tally.cumulative(through: h)
                let followed = tally.total - through.events - through.competing - through.censored
                guard tally.atRisk(at: h) >= k, h <= (tally.lastDay ?? -1), followed >= 0 else {
                    rows.append(keys + Array(repeating: .withheld, count: figures)); continue
                }
                let estimate = km.value(at: h)
                let cif = aj.value(at: h)
                rows.append(keys + [.count(tally.total), .count(followed), .count(through.events), .count(through.censored),
                                    .proportion(estimate.cumulativeIncidence), .proportion(estimate.ciLow), .proportion(estimate.ciHigh),
                                    .count(through.competing), .proportion(cif.cif), .proportion(cif.low), .proportion(cif.high)])
            }
        }
        return PublishedTable(name: name, columns: keyColumns + ["horizon_days", "entries", "n_followed", "n_events", "n_censored",
                                                                 "cum_incidence", "ci_low", "ci_high", "suppressed",
                                                                 "n_competing", "cif_aj", "cif_aj_low", "cif_aj_high"],
                              rows: rows, protection: ["entries": .midpoint, "n_events": .midpoint, "n_censored": .midpoint,
                                                       "n_competing": .midpoint, "n_followed": .derived])
    }

    /// Curve points on the grid while at least k are (protectedly) at risk, from the
    /// protected tally: Kaplan-Meier, then Aalen-Johansen; withheld strata have no points.
    public func curve(_ measures: [StratumMeasures]) -> PublishedTable {
        var rows: [[Cell]] = []
        for (m, visibility) in zip(measures, visibility(measures)) where visibility == .shown {
            let tally = m.tally.protected(by: protection)
            let km = KaplanMeier(tally: tally)
            let aj = AalenJohansen(tally: tally)
            var t = 0
            while tally.atRisk(at: t) >= k, t <= (tally.lastDay ?? -1) {
                let e = km.value(at: t), c = aj.value(at: t)
                rows.append([.key(m.stratum.variable), .key(m.stratum.value), .key(String(t)), .count(tally.atRisk(at: t)),
                             .proportion(e.cumulativeIncidence), .proportion(e.ciLow), .proportion(e.ciHigh),
                             .proportion(c.cif), .proportion(c.low), .proportion(c.high)])
                t += gridDays
            }
        }
        return PublishedTable(name: "outflow_curve", columns: ["stratum", "stratum_value", "t_days", "at_risk", "cum_incidence", "ci_low", "ci_high",
                                                               "cif_aj", "cif_aj_low", "cif_aj_high"],
                              rows: rows, protection: ["at_risk": .derived])
    }

    /// rates.csv: protected events (block midpoint) over exact person-years, the rate and
    /// its interval from the protected events.
    public func rates(_ measures: [StratumMeasures]) -> PublishedTable {
        var rows: [[Cell]] = []
        for (m, visibility) in zip(measures, visibility(measures)) {
            let keys: [Cell] = [.key(m.stratum.variable), .key(m.stratum.value)]
            guard visibility == .shown else { rows.append(keys + Array(repeating: visibility.cell, count: 6)); continue }
            let events = protection.midpoint(m.tally.eventCount)
            let rate = PoissonRate(events: events, personYears: PoissonRate.personYears(fromDays: m.totalDays))
            rows.append(keys + [.count(protection.midpoint(m.tally.total)), .count(events), .number(rate.personYears, decimals: 2)]
                        + [rate.ratePer100, rate.ciLow, rate.ciHigh].map { $0.map { Cell.number($0, decimals: 2) } ?? .empty })
        }
        return PublishedTable(name: "rates", columns: ["stratum", "stratum_value", "entries", "events", "person_years",
                                                       "rate_per_100py", "ci_low", "ci_high", "suppressed"],
                              rows: rows, protection: ["entries": .midpoint, "events": .midpoint])
    }

    /// Whether a stratum publishes figures.
    public enum Visibility: Sendable, Equatable {
        case shown
        /// Fewer than k entries.
        case small
        /// Hidden so that a small stratum of the same variable cannot be derived.
        case partner

        var cell: Cell { self == .small ? .suppressed : .withheld }
    }

    /// Every stratum of at least k entries is shown; when exactly one value of a stratum
    /// variable is small, the smallest other value is withheld too.
    public func visibility(_ measures: [StratumMeasures]) -> [Visibility] {
        visibility(strata: measures.map(\.stratum), sizes: measures.map(\.entries))
    }

    /// The same rule for strata of any table, by their sizes.
    public func visibility(strata: [Stratum], sizes: [Int]) -> [Visibility] {
        var result: [Visibility] = sizes.map { $0 >= k ? .shown : .small }
        var byVariable: [String: [Int]] = [:]
        for (i, s) in strata.enumerated() where s != .all { byVariable[s.variable, default: []].append(i) }
        for variable in byVariable.keys.sorted() {
            let members = byVariable[variable]!
            guard members.filter({ result[$0] == .small }).count == 1 else { continue }
            if let smallest = members.filter({ result[$0] == .shown }).min(by: { (sizes[$0], $0) < (sizes[$1], $1) }) {
                result[smallest] = .partner
            }
        }
        return result
    }

    // MARK: - Before and after

    /// before_after.csv: rounded cells; proportions and the McNemar test from the rounded
    /// cells shown. A row with a small cell shows only its (rounded) size.
    public func beforeAfter(_ measures: [StratumMeasures]) -> PublishedTable {
        var rows: [[Cell]] = []
        var sizes: [Int] = []
        var groups: [String: [Int]] = [:]
        for m in measures {
            guard let t = m.beforeAfter else { continue }
            let cells = [t.yesYes, t.yesNo, t.noYes, t.noNo].map { protection.rounded($0) }
            // A small cell withholds its whole row: with one cell hidden, the row's total and the
            // same cell in the other strata of its variable would pin it.
            let cellCells: [Cell] = cells.contains(nil) ? cells.map { $0 == nil ? .suppressed : .withheld } : cells.map { .count($0!) }
            var row: [Cell] = [.key(m.stratum.variable), .key(m.stratum.value), rounded(t.total)] + cellCells
            if cells.allSatisfy({ $0 != nil }) {
                let shown = BeforeAfterTable(yesYes: cells[0]!, yesNo: cells[1]!, noYes: cells[2]!, noNo: cells[3]!)
                row.append(shown.total > 0 ? .number(shown.exactMcNemarP, decimals: 4) : .empty)
                row += [shown.proportionBefore, shown.proportionAfter].map { $0.map(Cell.proportion) ?? .empty }
            } else {
                row += [.withheld, .withheld, .withheld]
            }
            if t.total < k { row = row.map { if case .key = $0 { return $0 } else { return .withheld } } }
            if m.stratum != .all { groups[m.stratum.variable, default: []].append(rows.count) }
            rows.append(row)
            sizes.append(t.total)
        }
        for variable in groups.keys.sorted() {
            let members = groups[variable]!
            let hidden = members.filter { sizes[$0] < k }
            guard hidden.count == 1, let smallest = members.filter({ sizes[$0] >= k }).min(by: { (sizes[$0], $0) < (sizes[$1], $1) }) else { continue }
            rows[smallest] = rows[smallest].map { if case .key = $0 { return $0 } else { return .withheld } }
        }
        return PublishedTable(name: "before_after", columns: ["stratum", "stratum_value", "entries", "before_yes_after_yes", "before_yes_after_no",
                                                              "before_no_after_yes", "before_no_after_no", "p_mcnemar", "suppressed",
                                                              "prop_before", "prop_after"],
                              rows: rows, protection: ["entries": .rounded, "before_yes_after_yes": .rounded, "before_yes_after_no": .rounded,
                                                       "before_no_after_yes": .rounded, "before_no_after_no": .rounded])
    }
}
