// Youth-care decisions (beschikkingen) of the generated children. A participant's subject
// (a youth, or a caregiver's child) gets care placed around the end of the group, so the
// cohort analysis has something to measure: care that ended before, care still running at
// the end, and a first decision after it, some on the very day. The municipality's other
// children get care spread over the whole history and make up most of the rows. Each care
// spell is one decision, sometimes extended (change reason 04) or sent twice and withdrawn
// (13); a few are delivered although dated after the extraction (a known anomaly).

import OutflowCore
import OutflowCSV

/// Generates decision rows for children, numbering decisions in the order they are made.
package struct SyntheticDecisions {
    /// Chances that a participant's subject is in care before, at and after the group.
    package struct Risk: Sendable {
        /// Care that ended before the group ended.
        package let prior: Double
        /// Care running on the day the group ended.
        package let atGroupEnd: Double
        /// A first decision after the group (about nine in ten within two years).
        package let outflow: Double
    }

    package static let youthRisk = Risk(prior: 0.10, atGroupEnd: 0.06, outflow: 0.20)
    package static let childRisk = Risk(prior: 0.07, atGroupEnd: 0.04, outflow: 0.12)

    // iJw JZ020 categories in plausible shares; legacy 2015 codes before 2018.
    package static let care = WeightedTable<Int>([
        (45, 40), (54, 18), (41, 6), (40, 5), (43, 5), (44, 4), (50, 5), (51, 4), (52, 4),
        (46, 3), (53, 2), (55, 1),
    ])
    package static let legacyCare = WeightedTable<Int>([
        (31, 4), (32, 40), (33, 10), (34, 5), (35, 10), (36, 16), (37, 3), (38, 12),
    ])
    package static let justiceAndTransport = WeightedTable<Int>([(42, 35), (47, 25), (48, 30), (49, 10)])
    /// Utrecht, and a few neighbours for children who moved.
    package static let municipalities = WeightedTable<Int>([(344, 960), (356, 15), (321, 10), (307, 10), (353, 5)])

    /// The start of the decisions history (the sample pipeline's `historyFrom`).
    package static let historyStart = Day(year: 2015, month: 1, day: 1)!
    package static let legacyUntil = Day(year: 2018, month: 1, day: 1)!

    private let asOf: Day
    private let providers: [Int]
    private let providerWeights: Weights
    private var nextID = 1

    package init(seed: UInt64, asOf: Day) {
        self.asOf = asOf
        var random = SeededRandom(seed: seed, stream: 0xA6B)
        providers = (0..<40).map { _ in 98_000_000 + random.int(0...999_999) }
        // A few large providers and a long tail.
        providerWeights = Weights((1...40).map { 400 / $0 })
    }

    // MARK: - Children

    /// Care of a participant's subject around `anchor`, the day its group ended.
    package mutating func subject(_ pseudonym: String, anchor: Day, risk: Risk, random: inout SeededRandom,
                          into deliveries: inout SyntheticDeliveries) throws {
        if random.chance(risk.prior) {
            let start = anchor - random.int(400...1500)
            let end = min(start + random.int(91...365), anchor - random.int(15...120))
            try spell(pseudonym, start: start, care: true, end: .on(end), random: &random, into: &deliveries)
        }
        if random.chance(risk.atGroupEnd) {
            let end: SpellEnd = random.chance(0.2) ? .open : .on(anchor + random.int(0...240))
            try spell(pseudonym, start: anchor - random.int(30...400), care: true, end: end,
                      random: &random, into: &deliveries)
        }
        if random.chance(risk.outflow) {
            try spell(pseudonym, start: anchor + SyntheticDecisions.outflowDelay(&random), care: true,
                      random: &random, into: &deliveries)
        }
        if random.chance(0.05) {
            try spell(pseudonym, start: anchor + random.int(-700...700), care: false,
                      random: &random, into: &deliveries)
        }
    }

    /// Care of a child who took no part, spread over its childhood within the history.
    package mutating func background(_ pseudonym: String, birthYear: Int, random: inout SeededRandom,
                             into deliveries: inout SyntheticDeliveries) throws {
        let from = max(SyntheticDecisions.historyStart, Day(year: birthYear, month: 1, day: 1)!)
        let to = min(Day(year: birthYear + 18, month: 1, day: 1)! - 1, asOf + 45)
        guard from < to else { return }
        let spells = 1 + random.pick(Weights([75, 20, 5]))
        for _ in 0..<spells {
            try spell(pseudonym, start: from + random.int(0...(to - from)), care: random.chance(0.9),
                      random: &random, into: &deliveries)
        }
    }

    /// Care of a child of the comparison pool (`SyntheticRegister`): decisions start as a
    /// Poisson process of `ratePerDay` over the days the child lives in the municipality
    /// under the age limit (`window`), so from any day the wait for the next one is
    /// exponential; now and then a justice or transport decision.
    package mutating func pool(_ pseudonym: String, window: ClosedRange<Day>, ratePerDay: Double, random: inout SeededRandom,
                               into deliveries: inout SyntheticDeliveries) throws {
        var day = Double(window.lowerBound.julian)
        while true {
            day += random.exponential(rate: ratePerDay)
            guard day <= Double(window.upperBound.julian) else { break }
            try spell(pseudonym, start: Day(julian: Int(day)), care: true, random: &random, into: &deliveries)
        }
        if random.chance(0.05) {
            try spell(pseudonym, start: window.lowerBound + random.int(0...(window.upperBound - window.lowerBound)), care: false,
                      random: &random, into: &deliveries)
        }
    }

    /// The share of participants' first decisions that come within `days` of the group's end
    /// (`outflowDelay`): 0.90 at two years.
    package static func outflowShare(within days: Int) -> Double {
        let weights = [5.0, 35, 28, 22, 10], total = 100.0
        let bins: [(ClosedRange<Int>, Double)] = [(0...0, weights[0]), (1...182, weights[1]), (183...365, weights[2]),
                                                  (366...730, weights[3]), (731...1400, weights[4])]
        var share = 0.0
        for (range, weight) in bins {
            let covered = max(0, min(days, range.upperBound) - range.lowerBound + 1)
            share += weight / total * Double(covered) / Double(range.count)
        }
        return share
    }

    /// Days from the group's end to a first decision: some the same day, most within two
    /// years, a few later.
    private static func outflowDelay(_ random: inout SeededRandom) -> Int {
        switch random.pick(Weights([5, 35, 28, 22, 10])) {
        case 0: return 0
        case 1: return random.int(1...182)
        case 2: return random.int(183...365)
        case 3: return random.int(366...730)
        default: return random.int(731...1400)
        }
    }

    // MARK: - Spells

    /// How a care spell ends.
    private enum SpellEnd {
        /// Three to twelve months after the start, or open-ended now and then.
        case drawn
        case on(Day)
        case open
    }

    /// One care spell from `start`: a decision, sometimes sent twice and withdrawn, and
    /// sometimes extended by a second decision from the day after its end.
    private mutating func spell(_ pseudonym: String, start: Day, care: Bool, end: SpellEnd = .drawn,
                                random: inout SeededRandom, into deliveries: inout SyntheticDeliveries) throws {
        guard start >= SyntheticDecisions.historyStart else { return }
        // A few decisions arrive dated after the extraction: a known anomaly of the source.
        let early = random.chance(0.001)
        let decided: Day
        var start = start
        if early {
            decided = asOf + random.int(1...30)
            start = decided + random.int(0...14)
        } else {
            decided = start - (random.chance(0.1) ? 0 : random.int(3...42))
        }
        let category = care
            ? random.pick(start < SyntheticDecisions.legacyUntil ? SyntheticDecisions.legacyCare : SyntheticDecisions.care)
            : random.pick(SyntheticDecisions.justiceAndTransport)
        var row = DecisionRow(
            pseudonym: pseudonym, id: 0, decided: decided, start: start, end: nil, endKnownFrom: decided,
            category: category, product: random.int(0...4) * 100 + random.int(1...99),
            provider: providers[random.pick(providerWeights)],
            municipality: random.pick(SyntheticDecisions.municipalities),
            changeReason: nil, changeKnownFrom: decided, deliveredEarly: early)
        switch early ? .drawn : end {
        case .drawn: row.end = random.chance(0.08) ? nil : start + random.int(91...365)
        case .on(let day): row.end = max(day, start)
        case .open: row.end = nil
        }
        let extended = row.end != nil && random.chance(0.06)
        // Some care is granted open-ended and closed in the register only when it stops;
        // an extended one had its end on record before the extension was decided.
        if let end = row.end, !extended, random.chance(0.15) { row.endKnownFrom = end + random.int(0...30) }
        try emit(&row, into: &deliveries)

        if random.chance(0.012) {
            var twin = row
            twin.changeReason = 13
            twin.changeKnownFrom = row.decided + random.int(5...60)
            try emit(&twin, into: &deliveries)
        }
        if extended, let end = row.end {
            var next = row
            next.start = end + 1
            next.decided = max(row.decided, end - random.int(0...30))
            next.end = random.chance(0.1) ? nil : next.start + random.int(91...365)
            next.endKnownFrom = next.decided
            next.changeReason = 4
            next.changeKnownFrom = next.decided
            next.deliveredEarly = false
            try emit(&next, into: &deliveries)
        }
    }

    private mutating func emit(_ row: inout DecisionRow, into deliveries: inout SyntheticDeliveries) throws {
        row.id = nextID
        nextID += 1
        try deliveries.add(row)
    }
}
