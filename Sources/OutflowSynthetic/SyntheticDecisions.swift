// Youth-care decisions (beschikkingen) of the generated children. Every child follows one
// hazard model (docs/synthetic-data.md): new care spells start as a Poisson process while it
// lives here under the age limit, at a rate multiplied by the planted participation effect
// once it (a youth) or its caregiver has taken part in a group. So the cohort finds care
// that ended before a group, care running at its end and first decisions after it, and a
// matched comparison has one hazard to recover the effect against. Each care spell is one
// decision, sometimes extended (change reason 04) or sent twice and withdrawn (13); a few are
// delivered although dated after the extraction (a known anomaly).

import OutflowCore
import OutflowCSV

/// Generates decision rows for children, numbering decisions in the order they are made.
package struct SyntheticDecisions {
    /// New care spells per day for a child living here under the age limit who took no part:
    /// 8% a year (`-ln(1 - 0.08) / 365.25`), the same on every day of childhood, so a child
    /// compared on any day with an exposed child of the same birth year is followed under the
    /// same hazard.
    package static let baseRatePerDay = -DeterministicMath.log(1 - 0.08) / 365.25

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
    /// The planted participation effect: the hazard ratio of new care after a child's exposure.
    private let effect: Double
    private let providers: [Int]
    private let providerWeights: Weights
    private var nextID = 1

    package init(seed: UInt64, asOf: Day, effect: Double = 1) {
        self.asOf = asOf
        self.effect = effect
        var random = SeededRandom(seed: seed, stream: 0xA6B)
        providers = (0..<40).map { _ in 98_000_000 + random.int(0...999_999) }
        // A few large providers and a long tail.
        providerWeights = Weights((1...40).map { 400 / $0 })
    }

    // MARK: - Children

    /// The care of one child over `window`, the days it lives here under the age limit (or
    /// the part of them the caller knows): new spells start as a Poisson process of
    /// `baseRatePerDay`, times the planted effect from `exposedFrom` on (the end of the group
    /// the child or its caregiver took part in), so from any day the wait for the next spell
    /// is exponential; now and then a justice or transport decision.
    package mutating func child(_ pseudonym: String, window: ClosedRange<Day>, exposedFrom: Day? = nil,
                                random: inout SeededRandom, into deliveries: inout SyntheticDeliveries) throws {
        let last = Double(window.upperBound.julian + 1)
        let boundary = exposedFrom.map { Double($0.julian) } ?? .infinity
        var day = Double(window.lowerBound.julian)
        while day < last {
            let exposed = day >= boundary
            let next = day + random.exponential(rate: SyntheticDecisions.baseRatePerDay * (exposed ? effect : 1))
            // The wait is memoryless: a draw that crosses into exposure starts again there.
            if !exposed, next >= boundary, boundary < last {
                day = boundary
                continue
            }
            guard next < last else { break }
            try spell(pseudonym, start: Day(julian: Int(next)), care: true, random: &random, into: &deliveries)
            day = next
        }
        if random.chance(0.05) {
            try spell(pseudonym, start: window.lowerBound + random.int(0...(window.upperBound - window.lowerBound)), care: false,
                      random: &random, into: &deliveries)
        }
    }

    /// The days a child born in `birthYear` (nil: unknown) can have care in this inbox: from
    /// the start of the history or the year after its birth (no care before it is born,
    /// whatever its birth month) to the end of the year it turns 18 (whatever its birth
    /// month, so no child has a spell-free stretch before its age limit; care after it is
    /// not followed) or 45 days after the extraction; nil when empty. Without a birth year,
    /// four years either side of `around`.
    package func childhood(birthYear: Int?, around: Day) -> ClosedRange<Day>? {
        let from = birthYear.map { max(SyntheticDecisions.historyStart, Day(year: $0 + 1, month: 1, day: 1)!) }
            ?? max(SyntheticDecisions.historyStart, around - 1461)
        let to = birthYear.map { min(Day(year: $0 + 19, month: 1, day: 1)! - 1, asOf + 45) } ?? min(around + 1461, asOf + 45)
        return from <= to ? from...to : nil
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
