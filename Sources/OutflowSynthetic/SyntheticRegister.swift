// The population register of a synthetic inbox (`outflow generate --population`): one
// bevolking row for every generated person who was under the age limit at some time since
// the history started (youth participants, caregivers' children, the other children of the
// municipality, and the few caregivers young enough), and a comparison pool of children who
// never took part, several times as many as the children exposed to a group.
//
// The model (docs/synthetic-data.md):
//
// - Birth month uniform (never after the extraction month of the birth year), sex M/V with a
//   few X, the district of the participant's registration or group for a participant's family,
//   else drawn like a group's district (2% missing).
// - Some moved in (12% of other children, 8% of participants' families): `registered_from` a
//   day between birth (or the start of the history) and the group's start or the extraction.
// - Households move out at 3% a year (an exponential wait from the group's start for a
//   participant's family, so they lived here while it ran, else from settling): children and a
//   caregiver's own row share the date. 0.5% of children die, on a day uniform over the rest of
//   the window (far above the real rate, so a small inbox holds a few).
// - Parents: a caregiver is parent 1 of their children, a partner who shares them parent 2;
//   other children get one or two parents who never take part (numbered from the top of the
//   person numbers, so the participants' pseudonyms do not move).
// - The pool's care follows the one model every generated child follows
//   (`SyntheticDecisions.child`): new spells as a Poisson process while the child lives here
//   under the age limit, at the base rate; pool children never take part, so the planted
//   effect never touches them. No confounding is planted, so a matched comparison should find
//   the planted hazard ratio R (the risk ratio at one year 0.7087 for R = 0.7).
//
// Every draw comes from the register's own stream, and the pool comes after all groups, so
// asking for the population changes no byte of the other files except the pool's decisions,
// appended at the end of the decisions files.

import OutflowCore
import OutflowCSV

/// Writes the population register and generates the comparison pool.
package struct SyntheticRegister {
    /// Pool children per participant.
    package static let poolPerParticipant = 5
    /// Out-migration of households, per year.
    package static let movesPerYear = 0.03
    package static let deathChance = 0.005
    package static let sexes = WeightedTable<StaticString>([("M", 495), ("V", 500), ("X", 5)])
    package static let ageLimit = 18

    private var random: SeededRandom
    private let asOf: Day
    private let numbers: SyntheticCitizenNumbers
    /// The next number for a parent who never takes part, counting down from the top.
    private var nextOutsider = SyntheticCitizenNumbers.capacity - 1
    /// Children of the last caregiver, held back until it is known whether a partner shares them.
    private var pending: [PopulationRow] = []

    package init(seed: UInt64, asOf: Day) {
        random = SeededRandom(seed: seed, stream: 0xB0E_0000_0000)
        self.asOf = asOf
        numbers = SyntheticCitizenNumbers(seed: seed)
    }

    /// The first birth year in the register: under the age limit at the start of the history.
    private static var firstBirthYear: Int { SyntheticDecisions.historyStart.year - ageLimit }

    // MARK: - Participants and their families

    /// A youth participant, with the recent caregiver they turned out to be a child of.
    package mutating func youth(_ person: SyntheticPopulation.Person, groupYear: Int, groupStart: Day, district: StaticString?,
                                parent: SyntheticPopulation.Person?, into deliveries: inout SyntheticDeliveries) throws {
        let year = person.birthYear ?? groupYear - random.int(12...17)
        let move = householdMove(from: groupStart)
        try deliveries.add(row(person.pseudonym, year: year, district: district, movedInBefore: groupStart, share: 0.08,
                               move: .household(move), livingFrom: groupStart, parents: [parent?.pseudonym]))
    }

    /// A caregiver: their own row when they were a minor within the history; returns the day
    /// the household moves out, which their children share.
    package mutating func caregiver(_ person: SyntheticPopulation.Person, groupStart: Day, district: StaticString?,
                                    into deliveries: inout SyntheticDeliveries) throws -> Day? {
        try flush(into: &deliveries)
        let move = householdMove(from: groupStart)
        if let year = person.birthYear, year >= Self.firstBirthYear {
            try deliveries.add(row(person.pseudonym, year: year, district: district, movedInBefore: groupStart, share: 0.08,
                                   move: .household(move), livingFrom: groupStart, parents: []))
        }
        return move
    }

    /// A caregiver's child, held back until the next participant (a partner may share them).
    package mutating func child(_ person: SyntheticPopulation.Person, of parent: SyntheticPopulation.Person, groupYear: Int,
                                groupStart: Day, district: StaticString?, move: Day?, pseudonymise: (String) -> String) {
        let year = person.birthYear ?? groupYear - random.int(0...17)
        guard year >= Self.firstBirthYear else { return }
        let other = random.chance(0.7) ? outsider(pseudonymise) : nil
        pending.append(row(person.pseudonym, year: year, district: district, movedInBefore: groupStart, share: 0.08,
                           move: .household(move), livingFrom: groupStart, parents: [parent.pseudonym, other]))
    }

    /// A partner in the same group shares the last caregiver's children: parent 2.
    package mutating func share(with partner: SyntheticPopulation.Person) {
        for i in pending.indices { pending[i].parent2 = partner.pseudonym }
    }

    /// Writes the children held back.
    package mutating func flush(into deliveries: inout SyntheticDeliveries) throws {
        for row in pending { try deliveries.add(row) }
        pending.removeAll(keepingCapacity: true)
    }

    /// A child of the municipality who took no part (the generator's neighbours and
    /// households), with the parent the family source links, if any.
    package mutating func other(_ pseudonym: String, birthYear: Int, parent: String?, into deliveries: inout SyntheticDeliveries,
                                pseudonymise: (String) -> String) throws {
        guard birthYear >= Self.firstBirthYear else { return }
        let district: StaticString? = random.chance(0.98) ? random.pick(SyntheticGroup.districts) : nil
        let parents = [parent ?? outsider(pseudonymise), random.chance(0.7) ? outsider(pseudonymise) : nil]
        try deliveries.add(row(pseudonym, year: birthYear, district: district, movedInBefore: asOf, share: 0.12, move: .own,
                               livingFrom: SyntheticDecisions.historyStart, parents: parents))
    }

    // MARK: - The comparison pool

    /// `count` children who never take part, in households of one to three, with their care;
    /// they take person numbers from `nextPerson` on (after every group's persons).
    package mutating func pool(count: Int, nextPerson: inout Int, decisions: inout SyntheticDecisions,
                               into deliveries: inout SyntheticDeliveries, pseudonymise: (String) -> String) throws {
        try flush(into: &deliveries)
        let history = SyntheticDecisions.historyStart
        var made = 0
        while made < count {
            let size = 1 + random.pick(Weights([45, 40, 15]))
            let parents = [outsider(pseudonymise), random.chance(0.85) ? outsider(pseudonymise) : nil]
            let district: StaticString? = random.chance(0.98) ? random.pick(SyntheticGroup.districts) : nil
            let movedIn: Day? = random.chance(0.12) ? history + random.int(0...(asOf - history)) : nil
            let move = householdMove(from: movedIn ?? history)
            var year = random.int(Self.firstBirthYear...asOf.year)
            for _ in 0..<size where year <= asOf.year && made < count {
                let born = birth(year)
                year += random.int(1...4)
                // Born after the household left: never a resident here.
                if let move, move <= born { continue }
                let settled = movedIn.flatMap { $0 > born ? $0 : nil }
                let from = max(settled ?? born, history)
                let died: Day? = random.chance(Self.deathChance) ? from + random.int(0...(asOf + 365 - from)) : nil
                let pseudonym = pseudonymise(numbers.number(for: nextPerson))
                nextPerson += 1
                made += 1
                try deliveries.add(PopulationRow(pseudonym: pseudonym, birthYear: born.year, birthMonth: born.components.month,
                                                 sex: random.pick(Self.sexes), district: district, registeredFrom: settled,
                                                 movedOut: move, died: died, parent1: parents[0], parent2: parents[1]))
                // The same care model as every child, over the days it lives here.
                guard let childhood = decisions.childhood(birthYear: born.year, around: asOf) else { continue }
                let limit = Day(year: born.year + Self.ageLimit, month: born.components.month, day: 1)!
                let start = max(childhood.lowerBound, from)
                let end = [childhood.upperBound, limit - 1, move.map { $0 - 1 }, died.map { $0 - 1 }].compactMap { $0 }.min()!
                if start <= end {
                    try decisions.child(pseudonym, window: start...end, random: &random, into: &deliveries)
                }
            }
        }
    }

    // MARK: - Rows

    /// When a resident leaves: with their household (nil: it stays), or on a day of their own
    /// drawn from settling.
    private enum Move {
        case household(Day?)
        case own
    }

    /// One resident: moved in now and then (with chance `share`, before `movedInBefore`),
    /// living here from `livingFrom` (or settling) until `move`, dying now and then.
    private mutating func row(_ pseudonym: String, year: Int, district: StaticString?, movedInBefore limit: Day, share: Double,
                              move: Move, livingFrom: Day, parents: [String?]) -> PopulationRow {
        let born = birth(year)
        let earliest = max(born, SyntheticDecisions.historyStart)
        let movedIn: Day? = random.chance(share) && earliest < limit - 30 ? earliest + random.int(0...(limit - 30 - earliest)) : nil
        let start = max(livingFrom, movedIn ?? born)
        let leaves: Day?
        switch move {
        case .household(let day): leaves = day
        case .own: leaves = householdMove(from: start)
        }
        let died: Day? = random.chance(Self.deathChance) ? start + random.int(0...max(0, asOf + 365 - start)) : nil
        let parents = parents.compactMap { $0 }
        return PopulationRow(pseudonym: pseudonym, birthYear: year, birthMonth: born.components.month, sex: random.pick(Self.sexes),
                             district: district, registeredFrom: movedIn, movedOut: leaves.map { max($0, start) }, died: died,
                             parent1: parents.first, parent2: parents.count > 1 ? parents[1] : nil)
    }

    /// The first day of a birth month drawn for `year`, never after the extraction month.
    private mutating func birth(_ year: Int) -> Day {
        let months = year == asOf.year ? asOf.components.month : 12
        return Day(year: year, month: random.int(1...months), day: 1)!
    }

    /// The day a household leaves: an exponential wait from `from` at `movesPerYear`; nil
    /// when it is still here well after the extraction.
    private mutating func householdMove(from: Day) -> Day? {
        let wait = random.exponential(rate: Self.movesPerYear / 365.25)
        guard wait < Double(asOf + 400 - from) else { return nil }
        return from + Int(wait)
    }

    /// A parent who never takes part, numbered from the top of the person numbers.
    private mutating func outsider(_ pseudonymise: (String) -> String) -> String {
        defer { nextOutsider -= 1 }
        return pseudonymise(numbers.number(for: nextOutsider))
    }
}
